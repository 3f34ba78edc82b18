"""``python -m qlens_q`` is the same as the ``qlens-q`` command."""

from qlens_q.cli.main import main

raise SystemExit(main())
