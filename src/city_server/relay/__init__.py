"""The office relay: the reference server run for one commune on an office's LAN.

``city-server serve --upstream URL`` serves protocol v1 to the commune's
counters from its own database and forwards their signed operations to the
city server whenever the link is up (docs/relay.md).
"""
