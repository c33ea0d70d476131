"""CommuneDesk: offline-first desk software for commune one-stop counters.

Keep this module import-light: the reference city server imports
``commune_desk.protocol`` and ``commune_desk.domain`` and must not pull in the
store or Qt.
"""

__version__ = "0.1.0"
