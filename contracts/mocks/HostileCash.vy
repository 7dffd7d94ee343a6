# pragma version ~=0.4.3
"""
@title Hostile cash token for tests
@custom:contract-name HostileCash
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice An ERC-20 (6 decimals) that does what a hostile or regulated stablecoin can do to the
        contracts that hold and pay it. Tests only; anyone may mint and configure it.
        - A blocklist: a transfer from or to a blocked wallet reverts (as USDC's blacklist does).
        - A one-shot callback: the next `transfer` or `transferFrom` first calls `target` with
          `payload` from this contract (a reentrancy attempt), records whether that call went
          through and what it returned or reverted with, then completes normally.
"""

from ethereum.ercs import IERC20

implements: IERC20

decimals: public(constant(uint8)) = 6
_MAX_RETURN: constant(uint256) = 256

balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
totalSupply: public(uint256)
blocked: public(HashMap[address, bool])

callback_target: public(address)
callback_payload: public(Bytes[1024])
# What the last callback did: 0 none yet, 1 it went through, 2 it reverted.
callback_outcome: public(uint8)
callback_returned: public(Bytes[_MAX_RETURN])


@external
def mint(receiver: address, amount: uint256):
    """
    @notice Creates `amount` for `receiver` (anyone may call).
    @param receiver The recipient.
    @param amount The amount.
    """
    self.balanceOf[receiver] += amount
    self.totalSupply += amount
    log IERC20.Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def set_blocked(wallet: address, is_blocked: bool):
    """
    @notice Blocks or unblocks a wallet: transfers from or to it revert.
    @param wallet The wallet.
    @param is_blocked True to block.
    """
    self.blocked[wallet] = is_blocked


@external
def arm(target: address, payload: Bytes[1024]):
    """
    @notice Makes the next transfer call `target` with `payload` before it moves anything.
    @param target The contract to call back (usually the one calling this token).
    @param payload The calldata, e.g. an encoded `claim(...)`.
    """
    self.callback_target = target
    self.callback_payload = payload
    self.callback_outcome = 0


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Sets the allowance of `spender`.
    @param spender The spender.
    @param amount The allowance.
    @return True.
    """
    self.allowance[msg.sender][spender] = amount
    log IERC20.Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transfer(receiver: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` from the caller to `receiver`, after the armed callback if any.
    @param receiver The recipient.
    @param amount The amount.
    @return True.
    """
    self._call_back()
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(owner: address, receiver: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` from `owner` to `receiver` on the caller's allowance, after the armed
            callback if any.
    @param owner The payer.
    @param receiver The recipient.
    @param amount The amount.
    @return True.
    """
    self._call_back()
    assert self.allowance[owner][msg.sender] >= amount, "cash: insufficient allowance"
    self.allowance[owner][msg.sender] -= amount
    self._transfer(owner, receiver, amount)
    return True


@internal
def _call_back():
    target: address = self.callback_target
    if target == empty(address):
        return
    self.callback_target = empty(address)
    ok: bool = False
    returned: Bytes[_MAX_RETURN] = b""
    ok, returned = raw_call(target, self.callback_payload, max_outsize=_MAX_RETURN, revert_on_failure=False)
    self.callback_outcome = 1 if ok else 2
    self.callback_returned = returned


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert not self.blocked[sender] and not self.blocked[receiver], "cash: wallet blocked"
    assert self.balanceOf[sender] >= amount, "cash: insufficient balance"
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log IERC20.Transfer(sender=sender, receiver=receiver, value=amount)
