"""Reference city server for the CommuneDesk sync protocol."""
