"""Shareholder votes: one share at the record date is one vote; votes may change until closing."""

import ape
import pytest
from eth_utils import keccak

from tests.fixtures.dividends import DAY, to_time

QUESTION = "Approve the 2026 accounts?"
CHOICES = ["yes", "no", "abstain"]


@pytest.fixture
def holders(security, agent, verified_investors, alice, bob, carol):
    security.batchMint([alice, bob, carol], [300, 200, 500], sender=agent)
    return security


@pytest.fixture
def open_vote(votes, holders, chain, issuer):
    """Opens a vote recorded in 1 day (or at `record_at`) and closing in 7 days."""

    def make(question=QUESTION, choices=CHOICES, record_in=DAY, closes_in=7 * DAY, sender=issuer, record_at=None):
        now = chain.pending_timestamp
        record = record_at or now + record_in
        return votes.open_vote(holders, question, choices, record, now + closes_in, sender=sender).return_value

    return make


def reach_record(chain, votes, token, vote_id):
    to_time(chain, votes.vote_info(token, vote_id).record_timestamp)


def close(chain, votes, token, vote_id):
    to_time(chain, votes.vote_info(token, vote_id).closes_at)


def test_open_a_vote(votes, holders, open_vote, chain):
    receipt_id = open_vote()
    assert receipt_id == 1 and votes.vote_count(holders) == 1
    info = votes.vote_info(holders, 1)
    assert info.question == QUESTION and list(info.choices) == CHOICES
    assert info.record_date_id == 1 and info.record_timestamp == holders.record_date(1)
    assert info.closes_at > info.record_timestamp and info.votes_cast == 0
    assert list(votes.tally(holders, 1)) == [0, 0, 0]


def test_weights_are_the_shares_at_the_record_date(votes, holders, open_vote, chain, agent, alice, bob, carol):
    vote_id = open_vote()
    holders.transfer(alice, 100, sender=bob)  # before the record date: counts
    reach_record(chain, votes, holders, vote_id)
    holders.transfer(bob, 400, sender=alice)  # after: does not
    holders.mint(carol, 10_000, sender=agent)
    receipt = votes.vote(holders, vote_id, 0, sender=alice)
    assert receipt.return_value == 400
    [log] = votes.VoteCast.from_receipt(receipt)
    assert (log.voter, log.choice, log.weight) == (alice.address, 0, 400)
    votes.vote(holders, vote_id, 1, sender=bob)
    votes.vote(holders, vote_id, 1, sender=carol)
    assert list(votes.tally(holders, vote_id)) == [400, 600, 0]
    assert votes.vote_info(holders, vote_id).votes_cast == 1_000
    ballot = votes.ballot(holders, vote_id, bob)
    assert (ballot.voted, ballot.choice, ballot.weight) == (True, 1, 100)
    close(chain, votes, holders, vote_id)
    result = votes.result(holders, vote_id)
    assert (result.choice, result.weight, result.tie) == (1, 600, False)


def test_changing_a_vote_moves_its_weight(votes, holders, open_vote, chain, alice, bob):
    vote_id = open_vote()
    reach_record(chain, votes, holders, vote_id)
    votes.vote(holders, vote_id, 0, sender=alice)
    votes.vote(holders, vote_id, 0, sender=bob)
    receipt = votes.vote(holders, vote_id, 2, sender=alice)
    [log] = votes.VoteChanged.from_receipt(receipt)
    assert (log.voter, log.previous_choice, log.choice, log.weight) == (alice.address, 0, 2, 300)
    assert list(votes.tally(holders, vote_id)) == [200, 0, 300]
    with ape.reverts("votes: same choice"):
        votes.vote(holders, vote_id, 2, sender=alice)
    votes.vote(holders, vote_id, 1, sender=alice)
    assert list(votes.tally(holders, vote_id)) == [200, 300, 0]
    assert votes.vote_info(holders, vote_id).votes_cast == 500  # a change counts once
    with ape.reverts("votes: still open"):
        votes.result(holders, vote_id)
    close(chain, votes, holders, vote_id)
    with ape.reverts("votes: closed"):
        votes.vote(holders, vote_id, 0, sender=alice)
    assert votes.ballot(holders, vote_id, alice).choice == 1


def test_a_tie_is_reported(votes, holders, open_vote, chain, agent, alice, bob, carol):
    holders.transfer(bob, 100, sender=alice)  # alice 200, bob 300, carol 500
    vote_id = open_vote(choices=["for", "against"])
    reach_record(chain, votes, holders, vote_id)
    votes.vote(holders, vote_id, 1, sender=carol)
    votes.vote(holders, vote_id, 0, sender=alice)
    votes.vote(holders, vote_id, 0, sender=bob)
    close(chain, votes, holders, vote_id)
    result = votes.result(holders, vote_id)
    assert (result.choice, result.weight, result.tie) == (0, 500, True)


def test_no_votes_is_a_tie_at_zero(votes, holders, open_vote, chain):
    vote_id = open_vote()
    close(chain, votes, holders, vote_id)
    result = votes.result(holders, vote_id)
    assert (result.choice, result.weight, result.tie) == (0, 0, True)


def test_frozen_recovered_and_shareless_voters(votes, holders, open_vote, chain, agent, registry, registrar, accounts, outsider, alice, bob, carol):
    new_wallet = accounts[17]
    registry.add_wallet(carol, new_wallet, sender=registrar)
    vote_id = open_vote()
    reach_record(chain, votes, holders, vote_id)
    holders.setAddressFrozen(alice, True, sender=agent)
    with ape.reverts("votes: voter frozen"):
        votes.vote(holders, vote_id, 0, sender=alice)
    holders.setAddressFrozen(alice, False, sender=agent)
    assert votes.vote(holders, vote_id, 0, sender=alice).return_value == 300
    with ape.reverts("votes: no shares at record date"):
        votes.vote(holders, vote_id, 0, sender=outsider)
    holders.recoveryAddress(carol, new_wallet, sender=agent)
    with ape.reverts("votes: wallet recovered"):
        votes.vote(holders, vote_id, 0, sender=carol)
    with ape.reverts("votes: no shares at record date"):
        votes.vote(holders, vote_id, 0, sender=new_wallet)  # the shares moved after the record date
    assert votes.ballot(holders, vote_id, bob).voted is False


def test_voting_window_and_choices(votes, holders, open_vote, chain, alice):
    vote_id = open_vote()
    with ape.reverts("votes: record date not reached"):
        votes.vote(holders, vote_id, 0, sender=alice)
    reach_record(chain, votes, holders, vote_id)
    with ape.reverts("votes: no such choice"):
        votes.vote(holders, vote_id, 3, sender=alice)
    with ape.reverts("votes: unknown vote"):
        votes.vote(holders, vote_id + 1, 0, sender=alice)
    with ape.reverts("votes: unknown vote"):
        votes.tally(holders, vote_id + 1)


def test_opening_rules(votes, holders, open_vote, chain, agent, operator, alice):
    for intruder in (agent, operator, alice):
        with ape.reverts("votes: caller is not the issuer"):
            open_vote(sender=intruder)
    with ape.reverts("votes: empty question"):
        open_vote(question="")
    with ape.reverts("votes: fewer than 2 choices"):
        open_vote(choices=["yes"])
    with ape.reverts("votes: empty choice"):
        open_vote(choices=["yes", ""])
    with ape.reverts("votes: closes before record date"):
        open_vote(record_in=2 * DAY, closes_in=2 * DAY)
    with ape.reverts("votes: closing too far"):
        open_vote(closes_in=2**40)
    with ape.reverts("token: record date not in the future"):
        open_vote(record_in=-1)
    with ape.reverts():
        open_vote(choices=[str(i) for i in range(9)])  # more than 8 does not even decode
    assert votes.vote_count(holders) == 0


def test_a_vote_and_a_dividend_share_a_record_date(votes, dividends, holders, open_vote, declare, chain):
    dividend_id = declare(1_000)
    record_time = dividends.dividend(holders, dividend_id).record_timestamp
    vote_id = open_vote(record_at=record_time)
    assert votes.vote_info(holders, vote_id).record_date_id == dividends.dividend(holders, dividend_id).record_date_id == 1


def test_opening_needs_a_listed_security(votes, token, chain, operator, issuer):
    """A genuine token clone that the factory did not issue gets no vote, even with the
    RECORDER_ROLE."""
    token.grantRole(keccak(text="RECORDER_ROLE"), votes, sender=operator)
    now = chain.pending_timestamp
    with ape.reverts("votes: token not listed"):
        votes.open_vote(token, QUESTION, CHOICES, now + DAY, now + 2 * DAY, sender=issuer)
    assert not votes.listed(token)


def test_finding_1_fake_token_cannot_open_a_vote(votes, project, chain, outsider):
    fake = project.FakeRecordDateToken.deploy(sender=outsider)
    now = chain.pending_timestamp
    with ape.reverts("votes: token not listed"):
        votes.open_vote(fake, QUESTION, CHOICES, now + DAY, now + 2 * DAY, sender=outsider)
    with ape.reverts("votes: unknown vote"):
        votes.vote(fake, 0, 0, sender=outsider)
    assert votes.vote_count(fake) == 0


def test_finding_10_recovered_shares_vote_from_the_new_wallet(votes, holders, open_vote, chain, agent, registry, registrar, accounts, alice, bob, carol):
    new_wallet = accounts[17]
    registry.add_wallet(carol, new_wallet, sender=registrar)
    vote_id = open_vote()
    reach_record(chain, votes, holders, vote_id)
    holders.recoveryAddress(carol, new_wallet, sender=agent)
    with ape.reverts("votes: not the recovered wallet"):
        votes.vote_recovered(holders, vote_id, carol, 1, sender=bob)
    with ape.reverts("votes: wallet not recovered"):
        votes.vote_recovered(holders, vote_id, bob, 1, sender=bob)
    receipt = votes.vote_recovered(holders, vote_id, carol, 1, sender=new_wallet)
    assert receipt.return_value == 500
    [log] = votes.RecoveredVoteCast.from_receipt(receipt)
    assert (log.lost_wallet, log.voter, log.choice, log.weight) == (carol.address, new_wallet.address, 1, 500)
    assert votes.ballot(holders, vote_id, carol).weight == 500
    with ape.reverts("votes: same choice"):
        votes.vote_recovered(holders, vote_id, carol, 1, sender=new_wallet)  # the shares count once
    votes.vote_recovered(holders, vote_id, carol, 0, sender=new_wallet)
    assert list(votes.tally(holders, vote_id)) == [500, 0, 0] and votes.vote_info(holders, vote_id).votes_cast == 500
    holders.setAddressFrozen(new_wallet, True, sender=agent)
    with ape.reverts("votes: voter frozen"):
        votes.vote_recovered(holders, vote_id, carol, 1, sender=new_wallet)


def test_finding_11_cancel_a_vote_before_its_record_date(votes, holders, open_vote, chain, agent, issuer, alice):
    vote_id = open_vote(record_in=300 * DAY, closes_in=301 * DAY)
    with ape.reverts("votes: caller is not the issuer"):
        votes.cancel_vote(holders, vote_id, sender=agent)
    receipt = votes.cancel_vote(holders, vote_id, sender=issuer)
    [log] = votes.VoteCancelled.from_receipt(receipt)
    assert (log.token, log.vote_id) == (holders.address, vote_id)
    assert holders.record_date_count() == 0
    assert votes.vote_info(holders, vote_id).closes_at == 0  # still readable, closed
    with ape.reverts("votes: vote cancelled"):
        votes.cancel_vote(holders, vote_id, sender=issuer)
    second = open_vote()
    assert second == 2 and votes.vote_info(holders, second).record_date_id == 1
    reach_record(chain, votes, holders, second)
    with ape.reverts("votes: closed"):
        votes.vote(holders, vote_id, 0, sender=alice)  # the cancelled vote shares the reused date id
    with ape.reverts("votes: record date reached"):
        votes.cancel_vote(holders, second, sender=issuer)
