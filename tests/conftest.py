import os
import tempfile

# Keep the test run's glossary cache away from the user's own.
os.environ.setdefault("TERMKIT_CACHE_DIR", tempfile.mkdtemp(prefix="termkit-test-cache-"))
