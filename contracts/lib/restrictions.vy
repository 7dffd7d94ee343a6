# pragma version ~=0.4.3
"""
@title ERC-1404 restriction codes
@custom:contract-name restrictions
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice One code per reason a transfer of shares is refused. `messageForTransferRestriction`
        returns `_message(code)`, and a refused transfer reverts with the same text, so a wallet,
        the dApp and a revert all say the same thing.
"""

SUCCESS: constant(uint8) = 0
PAUSED: constant(uint8) = 1
SENDER_NOT_VERIFIED: constant(uint8) = 2
RECIPIENT_NOT_VERIFIED: constant(uint8) = 3
SENDER_FROZEN: constant(uint8) = 4
RECIPIENT_FROZEN: constant(uint8) = 5
INSUFFICIENT_FREE_BALANCE: constant(uint8) = 6
LOCKUP_ACTIVE: constant(uint8) = 7
HOLDER_LIMIT_REACHED: constant(uint8) = 8
BALANCE_LIMIT_EXCEEDED: constant(uint8) = 9
COUNTRY_NOT_ALLOWED: constant(uint8) = 10
INSUFFICIENT_HELD_BALANCE: constant(uint8) = 11


@internal
@pure
def _message(code: uint8) -> String[40]:
    if code == SUCCESS:
        return "token: no restriction"
    if code == PAUSED:
        return "token: transfers paused"
    if code == SENDER_NOT_VERIFIED:
        return "token: sender not verified"
    if code == RECIPIENT_NOT_VERIFIED:
        return "token: recipient not verified"
    if code == SENDER_FROZEN:
        return "token: sender frozen"
    if code == RECIPIENT_FROZEN:
        return "token: recipient frozen"
    if code == INSUFFICIENT_FREE_BALANCE:
        return "token: insufficient free balance"
    if code == LOCKUP_ACTIVE:
        return "token: lock-up period active"
    if code == HOLDER_LIMIT_REACHED:
        return "token: holder limit reached"
    if code == BALANCE_LIMIT_EXCEEDED:
        return "token: balance limit exceeded"
    if code == COUNTRY_NOT_ALLOWED:
        return "token: recipient country not allowed"
    if code == INSUFFICIENT_HELD_BALANCE:
        return "token: insufficient held balance"
    return "token: unknown restriction code"
