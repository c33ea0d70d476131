"""CommuneDesk store layer."""
