"""Integration tests of the store run on real SQLite files in a temporary folder."""
