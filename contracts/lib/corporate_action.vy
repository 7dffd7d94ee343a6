# pragma version ~=0.4.3
"""
@title Corporate-action helpers shared by the dividend and vote contracts
@custom:contract-name corporate_action
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice Both contracts serve every security of the platform: they act for a token's issuer or
        agent as the token's own roles say, and take their record dates from the token.
"""

from ..interfaces import IRecordDateToken

ISSUER_ROLE: constant(bytes32) = keccak256("ISSUER_ROLE")
AGENT_ROLE: constant(bytes32) = keccak256("AGENT_ROLE")
# As the token bounds its own recovery chains.
MAX_RECOVERY_HOPS: constant(uint256) = 8


@internal
@view
def _is_issuer(token: IRecordDateToken, account: address) -> bool:
    return staticcall token.hasRole(ISSUER_ROLE, account)


@internal
@view
def _is_agent(token: IRecordDateToken, account: address) -> bool:
    return staticcall token.hasRole(AGENT_ROLE, account)


@internal
def _schedule(token: IRecordDateToken, record_timestamp: uint256) -> uint256:
    """
    @dev This contract needs the token's RECORDER_ROLE. The token refuses past dates and dates
         before its latest one, and returns the latest one's id when it is asked again.
    """
    return extcall token.schedule_record_date(record_timestamp)


@internal
@view
def _current_wallet(token: IRecordDateToken, wallet: address) -> address:
    """
    @dev Where a wallet's shares are now: the end of its recovery chain (itself if never recovered).
    """
    current: address = wallet
    for _: uint256 in range(MAX_RECOVERY_HOPS):
        successor: address = staticcall token.recovered_to(current)
        if successor == empty(address):
            return current
        current = successor
    raise "corporate action: recovery chain too long"
