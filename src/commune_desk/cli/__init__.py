"""CommuneDesk cli layer."""
