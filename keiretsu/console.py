"""The operator's daily helpers, loaded into `ape console` by ape_console_extras.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from eth_utils import keccak, to_checksum_address

from keiretsu.clones import clone_at
from keiretsu.countries import country_code
from keiretsu.isin import make_isin
from keiretsu.log_ranges import event_logs
from keiretsu.money import Currency, units
from keiretsu.network import send_options
from keiretsu.reports import cap_table, dividends_report, trades
from keiretsu.rules import FLAG_ISSUER, FLAG_QUALIFIED, KINDS, issuer_kind_problem
from keiretsu.symbols import listed_tokens, resolve_security
from keiretsu.transactions import send_settings

BUY, SELL = 0, 1
MAX_DEPTH = 50
# OrderBook.open_orders answers at most 100 ids a call; force_cancel takes at most 50 (MAX_CANCELS).
MAX_ORDERS_PER_LEVEL, MAX_CANCELS = 100, 50
# OrderBook.MAX_RECOVERY_HOPS: how far the book follows a chain of recoveries.
MAX_RECOVERY_HOPS = 8


@dataclass
class OperatorConsole:
    """The platform's contracts and the account the operator signs with."""

    registry: object
    factory: object
    cash: object
    sender: object
    token_type: object
    start_block: int = 0
    market_type: object = None
    dividends: object = None
    # (symbol, token) of every listing read so far, in issuance order: one entry per listing.
    _listed: list = field(default_factory=list)

    def _send(self, method, *arguments):
        """Sends `method(*arguments)` as the scripts do (keiretsu/transactions.py): the network's
        configured fees (a production node lacks what Ape would price them with) and the gas
        estimate times its margin. A refusal is raised by the estimate, before anything is sent."""
        options = send_options(self.sender)
        gas = method.estimate_gas_cost(*arguments, **options)
        return method(*arguments, gas_limit=int(gas * send_settings().gas_margin), **options)

    def securities(self) -> dict:
        """Every listed security by symbol, in issuance order: {"ANDES": <SecurityToken 0x...>, ...}."""
        new = listed_tokens(self.factory, self.token_type, start=len(self._listed))
        self._listed += [(token.symbol(), token) for token in new]
        return dict(self._listed)

    def currency(self) -> Currency:
        """The platform's cash token as amounts are shown: its symbol and decimals."""
        return Currency(self.cash.symbol(), self.cash.decimals())

    def security(self, symbol: str):
        """The security token with this symbol, in any case ("andes" finds ANDES), or at this address."""
        return resolve_security(self.factory, self.token_type, symbol)

    def onboard_investor(
        self, wallet: str, kyc_file: str, kind: str = "natural", country: str = "CH", years: int = 1,
        qualified: bool = False, issuer: bool = False,
    ):
        """Registers a verified investor. `kyc_file` is the reference of the KYC dossier (hashed on
        the way in); `country` an alpha-2 or numeric code; KYC valid for `years` from today."""
        code = country_code(country)
        if code is None:
            raise ValueError(f"unknown country {country!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if issuer and (problem := issuer_kind_problem(KINDS[kind])):
            raise ValueError(problem)
        expiry = int((datetime.now(timezone.utc) + timedelta(days=365 * years)).timestamp())
        flags = (FLAG_QUALIFIED if qualified else 0) | (FLAG_ISSUER if issuer else 0)
        return self._send(self.registry.register_investor, wallet, keccak(text=kyc_file), KINDS[kind], code, expiry, flags)

    def kyc_status(self, wallet: str) -> dict:
        """What the register says about a wallet, decoded."""
        identity, kind, country, expiry, flags, verified = self.registry.investor(wallet)
        return {
            "verified": verified,
            "identity": "0x" + bytes(identity).hex(),
            "kind": {1: "natural person", 2: "enterprise"}.get(kind, "unregistered"),
            "country": country,
            "kyc_expiry": datetime.fromtimestamp(expiry, timezone.utc).isoformat() if expiry else None,
            "qualified": bool(flags & FLAG_QUALIFIED),
            "issuer": bool(flags & FLAG_ISSUER),
            "revoked": bool(flags & 128),
        }

    def freeze(self, symbol: str, wallet: str):
        """Freezes a wallet on one security: it can neither send nor receive its shares."""
        return self._send(self.security(symbol).setAddressFrozen, wallet, True)

    def unfreeze(self, symbol: str, wallet: str):
        """Lifts a wallet's freeze on one security."""
        return self._send(self.security(symbol).setAddressFrozen, wallet, False)

    def recover(self, symbol: str, lost_wallet: str, new_wallet: str):
        """Moves a lost wallet's shares, holds and freezes on one security to a new wallet of the
        same investor. `recover_wallet` does the whole recovery across every security."""
        return self._send(self.security(symbol).recoveryAddress, lost_wallet, new_wallet)

    def recover_wallet(self, lost_wallet: str, new_wallet: str) -> list[str]:
        """The whole recovery of an investor's lost wallet: `new_wallet` joins the investor's
        identity (unless it already belongs to it), every security the lost wallet holds moves
        to it, and the lost wallet leaves the register, so whoever finds its keys can neither
        receive shares nor trade. Everything is checked before the first transaction is sent.
        Needs the registry's REGISTRAR_ROLE and the AGENT_ROLE of every security concerned.
        Returns the symbols recovered."""
        if not self.registry.contains(lost_wallet):
            raise ValueError(f"{lost_wallet} is not in the register")
        new_registered = self.registry.contains(new_wallet)
        if new_registered and not self.registry.same_identity(lost_wallet, new_wallet):
            raise ValueError(f"{new_wallet} belongs to another investor")
        if not self.registry.hasRole(self.registry.REGISTRAR_ROLE(), self.sender):
            raise ValueError(f"{self.sender.address} lacks the registry's REGISTRAR_ROLE")
        held = {symbol: token for symbol, token in self.securities().items() if token.balanceOf(lost_wallet) > 0}
        # The new wallet shares (or already has) the identity's record: shares go only to a verified one.
        if held and not self.registry.isVerified(new_wallet if new_registered else lost_wallet):
            raise ValueError("the investor's KYC is expired or revoked: renew it before recovering shares")
        for symbol, token in held.items():
            if not token.hasRole(token.AGENT_ROLE(), self.sender):
                raise ValueError(f"{self.sender.address} lacks the AGENT_ROLE of {symbol}")
        if not new_registered:
            self._send(self.registry.add_wallet, lost_wallet, new_wallet)
        for token in held.values():
            self._send(token.recoveryAddress, lost_wallet, new_wallet)
        self._send(self.registry.remove_wallet, lost_wallet)
        return list(held)

    def issue_security(
        self, isin: str, name: str, symbol: str, issuer: str, lot_size: int = 1, tick_size: int = 10_000,
        decimals: int = 0, max_holders: int = 0,
    ):
        """Issues and lists a security for a verified issuer enterprise: token, order book, record
        dates for dividends and votes. `isin` is a full ISIN or its first 11 characters (the check
        digit is added); the market trades `lot_size` token base units per lot at `tick_size` cash
        base units per lot per tick. Needs the factory's OPERATOR_ROLE (an issuer may issue its own).
        Returns the new token."""
        code = isin if len(isin) == 12 else make_isin(isin)
        request = (code, name, symbol, decimals, issuer, 0, max_holders != 0, max_holders, 0, 0, [], [], lot_size, tick_size)
        self._send(self.factory.issue_security, request)
        # From the listing, not the call's return value: a production node does not trace.
        return clone_at(self.token_type, self.factory.security_by_isin(code).token)

    def issue_shares(self, symbol: str, allocations: dict):
        """Issues new shares of a security: {wallet: shares} minted to verified wallets, all or
        nothing (at most 100 wallets). Needs the token's AGENT_ROLE (the transfer agent)."""
        return self._send(self.security(symbol).batchMint, list(allocations), list(allocations.values()))

    def market(self, symbol: str):
        """The order book of a security."""
        return clone_at(self.market_type, self.factory.security_by_token(self.security(symbol)).market)

    def halt(self, symbol: str):
        """Halts a security: its listing and its order book stop trading (resting orders stay and
        may still be cancelled). The issuer or the factory's OPERATOR_ROLE."""
        return self._send(self.factory.halt, self.security(symbol))

    def resume(self, symbol: str):
        """Resumes trading in a halted security and its order book."""
        return self._send(self.factory.resume, self.security(symbol))

    def open_orders(self, symbol: str, wallet: str, sides: tuple = (BUY, SELL)) -> list[int]:
        """The ids of a wallet's resting orders on a security's market, buys first, best price and
        oldest first (searched over the best 50 price levels a side, as OrderBook.open_orders does)."""
        market = self.market(symbol)
        return [order_id for side in sides for order_id in market.open_orders(wallet, side, MAX_DEPTH, MAX_ORDERS_PER_LEVEL)]

    def recovered_into(self, symbol: str, wallet: str) -> list[str]:
        """The lost wallets whose holdings of a security were recovered to `wallet`, directly or along
        a chain of recoveries (from the RecoverySuccess events): their resting orders still stand
        under their own address, while the shares they hold moved to `wallet`."""
        token = self.security(symbol)
        wallet = getattr(wallet, "address", wallet)
        found: list[str] = []
        frontier = [wallet]
        for _ in range(MAX_RECOVERY_HOPS):
            frontier = [
                log.lost_wallet
                for new_wallet in frontier
                for log in event_logs(token.RecoverySuccess, self.start_block, new_wallet=new_wallet)
                if log.lost_wallet not in found and log.lost_wallet != wallet
            ]
            if not frontier:
                break
            found += frontier
        return found

    def force_cancel(self, symbol: str, wallet: str, sides: tuple = (BUY, SELL)) -> list[int]:
        """Cancels every resting order of a wallet on a security's market, and those of the lost
        wallets recovered to it, in any market status: sell orders release their held shares, buy
        orders refund their escrow (to the end of the owner's recovery chain; a refund the cash
        token refuses is credited to the owner's `withdrawable`). Needs the token's AGENT_ROLE or
        the market's admin role (the platform operator). A forced transfer or burn of held shares
        comes after it. Returns the ids cancelled."""
        token, market = self.security(symbol), self.market(symbol)
        if not (token.hasRole(token.AGENT_ROLE(), self.sender) or market.hasRole(market.DEFAULT_ADMIN_ROLE(), self.sender)):
            raise ValueError(f"{self.sender.address} is neither the transfer agent of {symbol} nor its market's operator")
        cancelled: list[int] = []
        for owner in [wallet, *self.recovered_into(symbol, wallet)]:
            # The view is bounded: each round cancels what it found, the next one looks again.
            while order_ids := self.open_orders(symbol, owner, sides):
                if set(order_ids) & set(cancelled):
                    raise RuntimeError(f"orders {order_ids} are still open after force_cancel")
                for start in range(0, len(order_ids), MAX_CANCELS):
                    self._send(market.force_cancel, order_ids[start : start + MAX_CANCELS])
                cancelled += order_ids
        return cancelled

    def forced_transfer(self, symbol: str, holder: str, receiver: str, amount: int):
        """Moves `amount` shares of a holder without its consent (a court order, an error). Shares
        held on sell orders are taken only once those orders are gone: when the holder's unheld
        shares do not cover `amount`, its sell orders are force-cancelled first. Needs the token's
        AGENT_ROLE. Returns the receipt of the transfer."""
        token = self.security(symbol)
        if token.balanceOf(holder) - token.held_balance(holder) < amount:
            self.force_cancel(symbol, holder, sides=(SELL,))
        return self._send(token.forcedTransfer, holder, receiver, amount)

    def list_cash_token(self, cash: str) -> int:
        """Lets issuers declare dividends in another ERC-20 than the platform's stablecoin (the
        dividend contract refuses a cash token nobody listed). Vet the token first: it pays itself
        out. Needs the dividend contract's deployer. Returns its index (the existing one when it
        is already listed; 0 for the platform's stablecoin)."""
        self._send(self.dividends.list_cash_token, cash)
        # From the listing, not the call's return value: a production node does not trace.
        address = to_checksum_address(getattr(cash, "address", cash))
        listed = range(self.dividends.cash_token_count() + 1)  # 0: the platform's stablecoin
        return next(index for index in listed if self.dividends.cash_tokens(index) == address)

    def depth(self, symbol: str, levels: int = 10) -> dict:
        """Prints a security's order book, best `levels` price levels a side (asks above bids),
        and returns {"bids": [(price, shares), ...], "asks": [...]} best first, prices in cash
        base units per lot."""
        market = self.market(symbol)
        lot_size, tick_size = market.lot_size(), market.tick_size()
        levels = min(levels, MAX_DEPTH)
        book = {
            side: [(tick * tick_size, lots * lot_size) for tick, lots in market.depth(number, levels)]
            for side, number in (("bids", BUY), ("asks", SELL))
        }
        currency = self.currency()
        print(f"{symbol} order book (price per lot in {currency.symbol}, shares)")
        for label, side in (("ask", reversed(book["asks"])), ("bid", book["bids"])):
            for price, shares in side:
                print(f"  {label}  {units(price, currency.decimals):>14}  {shares:>12,}")
        if not book["bids"] and not book["asks"]:
            print("  (empty)")
        return book

    def cap_table(self, symbol: str) -> None:
        """Prints the register of a security, rebuilt from its Transfer events."""
        print(cap_table(self.security(symbol), self.start_block).as_table())

    def trades(self, symbol: str) -> None:
        """Prints every trade of a security, rebuilt from its order book's Trade events."""
        print(trades(self.market(symbol), symbol, self.currency(), self.start_block).as_table())

    def dividends_paid(self, symbol: str) -> None:
        """Prints a security's dividends (declared, paid, reclaimed, outstanding) from the Dividends events."""
        print(dividends_report(self.dividends, self.security(symbol), symbol, self.currency(), self.start_block).as_table())

    def helpers(self) -> dict:
        """The names `ape console` exposes."""
        names = [
            "securities", "security", "market", "onboard_investor", "kyc_status", "freeze", "unfreeze", "recover", "recover_wallet",
            "issue_security", "issue_shares", "halt", "resume", "open_orders", "recovered_into", "force_cancel", "forced_transfer", "list_cash_token",
            "depth", "cap_table", "trades", "dividends_paid",
        ]
        return {name: getattr(self, name) for name in names}
