# pragma version ~=0.4.3
"""
@title Fake security token for tests
@custom:contract-name FakeRecordDateToken
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice What an attacker deploys to pass for a security in the corporate-action contracts:
        everyone is its issuer and agent, every record date is id 1 and reached at once, and
        every wallet held a huge balance of a supply of one share (the attacker tunes it to
        the cash a contract holds). Tests only.
"""

# What every wallet held at every record date.
position: public(uint256)


@deploy
def __init__():
    self.position = 10**30


@external
def set_position(balance: uint256):
    """
    @notice Sets what every wallet held (anyone may call).
    @param balance The balance.
    """
    self.position = balance


@view
@external
def hasRole(role: bytes32, account: address) -> bool:
    """
    @notice Answers yes to every role.
    @param role Any role.
    @param account Any account.
    @return True.
    """
    return True


@external
def schedule_record_date(timestamp: uint256) -> uint256:
    """
    @notice Pretends to schedule a record date.
    @param timestamp Ignored.
    @return 1.
    """
    return 1


@external
def cancel_record_date(record_date_id: uint256):
    """
    @notice Pretends to cancel a record date.
    @param record_date_id Ignored.
    """
    pass


@view
@external
def record_date(record_date_id: uint256) -> uint256:
    """
    @notice Every record date is already reached.
    @param record_date_id Ignored.
    @return 1 (long past).
    """
    return 1


@view
@external
def balanceOfAt(holder: address, record_date_id: uint256) -> uint256:
    """
    @notice Every wallet held a huge balance.
    @param holder Ignored.
    @param record_date_id Ignored.
    @return A huge balance.
    """
    return self.position


@view
@external
def record_position(holder: address, record_date_id: uint256) -> (uint256, bool, bool):
    """
    @notice Every wallet held a huge balance and is neither frozen nor recovered.
    @param holder Ignored.
    @param record_date_id Ignored.
    @return A huge balance, False, False.
    """
    return self.position, False, False


@view
@external
def totalSupplyAt(record_date_id: uint256) -> uint256:
    """
    @notice A supply of one share, so that each wallet's share is enormous.
    @param record_date_id Ignored.
    @return 1.
    """
    return 1


@view
@external
def isFrozen(user_address: address) -> bool:
    """
    @notice Nobody is frozen.
    @param user_address Ignored.
    @return False.
    """
    return False


@view
@external
def recovered_to(lost_wallet: address) -> address:
    """
    @notice Nobody was recovered.
    @param lost_wallet Ignored.
    @return The zero address.
    """
    return empty(address)
