"""Hostile inputs for the security tests: payload corpus, URL case generator, data fixture builder."""
