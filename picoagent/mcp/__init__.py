"""picoagent as the eyes and hands of an LLM agent: a Model Context Protocol server.

``picoagent mcp`` serves the tools in :mod:`.schema` over stdio with the official
``mcp`` SDK (:mod:`.server`).  What each tool does is :class:`.tools.Session`,
which knows nothing of the protocol: it composes the same pieces ``picoagent run``
does (``open_devices``, ``Vision``, ``load_task``, the ``Runner``).  ``--record``
turns the session's acting calls into a task file (:mod:`.recorder`).

Nothing here imports the SDK, opens the display or loads a model at import time.
"""
