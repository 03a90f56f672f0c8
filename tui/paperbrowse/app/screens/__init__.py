"""Screens: the browser, help, problems."""
