"""``python -m commune_desk`` is the same as the ``commune-desk`` command."""

from commune_desk.cli.main import main

raise SystemExit(main())
