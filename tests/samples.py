"""Small code samples shared by several test modules."""

# A BR101 finding on line 3, in a one-function module. The function is a view (it takes the
# request), so its parameter `x` is evidence in the file alone, without the project phase.
ONE_FINDING = (
    "import sqlite3\n"
    "def f(request, c: sqlite3.Connection, x):\n"
    "    c.execute(f\"SELECT a FROM t WHERE a = '{x}'\")\n"
)
ONE_FINDING_MESSAGE = ("SQL passed to `c.execute()` is built with an f-string from `x`; "
                       "pass the values as bound parameters")

# A BR101 finding on line 5, in PEP 8 layout (two blank lines before the def).
FIND_USER = (
    "import sqlite3\n"
    "\n"
    "\n"
    "def find(conn: sqlite3.Connection, email):\n"
    "    return conn.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n"
)
