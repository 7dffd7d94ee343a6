# pragma version ~=0.4.3
"""
@title Test double: a contract that claims to be a security token
@custom:contract-name Impostor
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice For the invariant fuzzer's stranger. It answers what the corporate-action contracts ask a
        security: every role is granted to everyone, every record date is long past, and every
        wallet held `claimed_balance` shares of a supply of 1 at it, so a dividend of 1 unit
        declared on it is "owed" as much as the stranger sets. `recovered_to` follows a chain the
        stranger sets. Anyone may configure it.
"""

claimed_balance: public(uint256)
recovered_to: public(HashMap[address, address])


@external
def set_balance(amount: uint256):
    """
    @notice Sets the balance every wallet claims to have held at every record date.
    @param amount The balance.
    """
    self.claimed_balance = amount


@external
def set_recovered_to(lost_wallet: address, new_wallet: address):
    """
    @notice Pretends `lost_wallet` was recovered to `new_wallet`.
    @param lost_wallet The wallet.
    @param new_wallet Its successor (empty: none).
    """
    self.recovered_to[lost_wallet] = new_wallet


@view
@external
def hasRole(role: bytes32, account: address) -> bool:
    """
    @notice Every role, for everyone.
    @param role Any role.
    @param account Any account.
    @return True.
    """
    return True


@external
def schedule_record_date(timestamp: uint256) -> uint256:
    """
    @notice Accepts any date as record date 1.
    @param timestamp Ignored.
    @return 1.
    """
    return 1


@view
@external
def record_date(record_date_id: uint256) -> uint256:
    """
    @notice Every record date was at time 1.
    @param record_date_id Ignored.
    @return 1.
    """
    return 1


@view
@external
def record_date_count() -> uint256:
    """
    @notice One record date.
    @return 1.
    """
    return 1


@view
@external
def balanceOfAt(holder: address, record_date_id: uint256) -> uint256:
    """
    @notice The configured balance, for every wallet.
    @param holder Ignored.
    @param record_date_id Ignored.
    @return `claimed_balance`.
    """
    return self.claimed_balance


@view
@external
def record_position(holder: address, record_date_id: uint256) -> (uint256, bool, bool):
    """
    @notice The configured balance, not frozen, not recovered.
    @param holder Ignored.
    @param record_date_id Ignored.
    @return `claimed_balance`, False, False.
    """
    return self.claimed_balance, False, False


@view
@external
def totalSupplyAt(record_date_id: uint256) -> uint256:
    """
    @notice A supply of 1 at every record date.
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
