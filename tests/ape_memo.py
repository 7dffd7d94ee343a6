"""Memoises two pure computations Ape repeats on every reverted transaction, in the test process only.

A revert cost about 2 s of Python (about 1 s after fixtures): anvil answers in milliseconds, but
ape-foundry prints the call tree (asking, for every address in it, whether it is one of the 20 test
accounts, each derived again from the mnemonic with pure-Python elliptic-curve arithmetic) and Ape
builds the Vyper source traceback (finding the function of each program counter by walking the
whole contract AST again). Both are functions of immutable inputs, so caching them changes no
result: every revert still happens on anvil and is matched by `ape.reverts` as before.
"""

import functools

import ape_test.accounts
from ethpm_types.ast import ASTNode

_derive_dev_accounts = functools.cache(ape_test.accounts.generate_dev_accounts)


def derive_dev_accounts_once(*args, **kwargs):
    """The same accounts as Ape's `generate_dev_accounts`, derived once per mnemonic, count, path and index."""
    return list(_derive_dev_accounts(*args, **kwargs))


ape_test.accounts.generate_dev_accounts = derive_dev_accounts_once

_find_defining_function = ASTNode.get_defining_function
# (id of the AST, source location) -> (the AST, kept alive so that its id is not reused; its function node)
_defining_functions: dict[tuple, tuple] = {}


def defining_function_once(self: ASTNode, line_numbers):
    """Ethpm-types' `get_defining_function`, walked once per contract AST and source location."""
    key = (id(self), tuple(line_numbers))
    if key not in _defining_functions:
        _defining_functions[key] = (self, _find_defining_function(self, line_numbers))
    return _defining_functions[key][1]


ASTNode.get_defining_function = defining_function_once
