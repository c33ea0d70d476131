"""CommuneDesk services layer."""
