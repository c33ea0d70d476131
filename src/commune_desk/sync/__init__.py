"""CommuneDesk sync layer."""
