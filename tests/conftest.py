"""Fixtures live in tests/fixtures/, one module per area; they are collected here."""

from tests.fixtures.roles import *  # noqa: F401,F403
from tests.fixtures.registry import *  # noqa: F401,F403
from tests.fixtures.token import *  # noqa: F401,F403
from tests.fixtures.factory import *  # noqa: F401,F403
from tests.fixtures.cash import *  # noqa: F401,F403
from tests.fixtures.offering import *  # noqa: F401,F403
from tests.fixtures.market import *  # noqa: F401,F403
from tests.fixtures.dividends import *  # noqa: F401,F403
from tests.fixtures.proof import *  # noqa: F401,F403
from tests.fixtures.postgres import *  # noqa: F401,F403
import tests.hypothesis_profiles  # noqa: F401,E402
from tests.fixtures.production_node import *  # noqa: F401,F403
import tests.ape_memo  # noqa: F401,E402
