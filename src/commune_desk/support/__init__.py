"""Help for the people who support an office: the support archive and its checks."""
