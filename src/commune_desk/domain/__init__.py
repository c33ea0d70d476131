"""CommuneDesk domain layer."""
