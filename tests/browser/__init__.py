"""Helpers for the browser tests: a real server on loopback and Debian's Chromium."""
