# pragma version ~=0.4.3
"""
@title Non-standard cash token for tests
@custom:contract-name QuirkyCash
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice A minimal ERC-20 with the quirks of real stablecoins that contracts taking "any ERC-20"
        must survive. Tests only; anyone may mint.
        QUIRK_NO_RETURN: `transfer`/`transferFrom` return no data (as USDT does).
        QUIRK_FEE: as QUIRK_NO_RETURN, and 1% of every transfer is burned on the way.
        QUIRK_FALSE: a transfer short of balance or allowance returns false instead of reverting.
"""

QUIRK_NO_RETURN: public(constant(uint8)) = 0
QUIRK_FEE: public(constant(uint8)) = 1
QUIRK_FALSE: public(constant(uint8)) = 2

_FEE_BPS: constant(uint256) = 100


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256


quirk: public(immutable(uint8))
decimals: public(immutable(uint8))
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
totalSupply: public(uint256)


@deploy
def __init__(quirk_: uint8, decimals_: uint8):
    """
    @param quirk_ One of the QUIRK_ constants.
    @param decimals_ The decimals reported.
    """
    quirk = quirk_
    decimals = decimals_


@external
def mint(receiver: address, amount: uint256):
    """
    @notice Creates `amount` for `receiver` (anyone may call).
    @param receiver The recipient.
    @param amount The amount.
    """
    self.balanceOf[receiver] += amount
    self.totalSupply += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Sets the allowance of `spender`.
    @param spender The spender.
    @param amount The allowance.
    @return True.
    """
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
@raw_return
def __default__() -> Bytes[32]:
    """
    @notice `transfer(address,uint256)` and `transferFrom(address,address,uint256)`, with the
            token's quirk.
    @dev They live in the fallback, out of the ABI, because their return data does not match any
         one declared type: tools that decode traces by the ABI would fail on it.
    @return Nothing, or an ABI-encoded bool for QUIRK_FALSE.
    """
    selector: bytes4 = convert(slice(msg.data, 0, 4), bytes4)
    if selector == method_id("transfer(address,uint256)", output_type=bytes4):
        receiver: address = empty(address)
        amount: uint256 = 0
        receiver, amount = abi_decode(slice(msg.data, 4, 64), (address, uint256))
        return self._transfer(msg.sender, receiver, amount)
    assert selector == method_id("transferFrom(address,address,uint256)", output_type=bytes4), "cash: unknown function"
    owner: address = empty(address)
    receiver: address = empty(address)
    amount: uint256 = 0
    owner, receiver, amount = abi_decode(slice(msg.data, 4, 96), (address, address, uint256))
    if self.allowance[owner][msg.sender] < amount and quirk == QUIRK_FALSE:
        return abi_encode(False)
    self.allowance[owner][msg.sender] -= amount
    return self._transfer(owner, receiver, amount)


@internal
def _transfer(sender: address, receiver: address, amount: uint256) -> Bytes[32]:
    if self.balanceOf[sender] < amount and quirk == QUIRK_FALSE:
        return abi_encode(False)
    self.balanceOf[sender] -= amount
    received: uint256 = amount
    if quirk == QUIRK_FEE:
        received -= amount * _FEE_BPS // 10_000
        self.totalSupply -= amount - received
    self.balanceOf[receiver] += received
    log Transfer(sender=sender, receiver=receiver, value=received)
    if quirk == QUIRK_FALSE:
        return abi_encode(True)
    return b""
