import os
import tempfile

# Keep the test run's glossary cache away from the user's own.
os.environ.setdefault("TERMKIT_CACHE_DIR", tempfile.mkdtemp(prefix="termkit-test-cache-"))


def full(mentions) -> list[tuple]:
    """Mentions with every field, for comparing them (a Mention compares
    equal to another on start, end and id alone)."""
    return [tuple(m) for m in mentions]
