# pragma version ~=0.4.3
"""
@title Shareholder votes on a record date
@custom:contract-name ShareholderVotes
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice One contract for every security of the platform; votes are keyed by (token, id).
        A token's issuer opens a vote with a question, 2 to 8 choices, a record date and a
        closing time. From the record date until closing, each wallet that held shares at the
        record date votes with one vote per share, may change its vote, and the tally and the
        result are on-chain. Frozen wallets may not vote; the shares of a wallet recovered
        after the record date are voted by the wallet they were recovered to.
        Only securities the platform's factory listed can have votes.
@dev This contract must hold the RECORDER_ROLE of every token it serves.
"""

import interfaces.IRecordDateToken as IRecordDateToken
import lib.corporate_action as corporate_action

# CONSTANTS #

MIN_CHOICES: constant(uint256) = 2
MAX_CHOICES: constant(uint256) = 8
MAX_TIMESTAMP: constant(uint256) = (1 << 40) - 1

# Vote word: record date id (0..31), closing time (32..71), number of choices (72..79).
_MASK_32: constant(uint256) = (1 << 32) - 1
_MASK_40: constant(uint256) = (1 << 40) - 1
_CLOSES_SHIFT: constant(uint256) = 32
_CHOICES_SHIFT: constant(uint256) = 72
# Per-token word: votes opened so far (0..254), listed by the factory (255).
_LISTED: constant(uint256) = 1 << 255
# Ballot word: choice + 1 (0..7, 0 for no ballot), weight (from bit 8).
_WEIGHT_SHIFT: constant(uint256) = 8


# TYPES #

struct Vote:
    question: String[256]
    choices: DynArray[String[64], MAX_CHOICES]
    record_date_id: uint256
    record_timestamp: uint256
    closes_at: uint256
    votes_cast: uint256

struct Ballot:
    voted: bool
    choice: uint256
    weight: uint256

struct Result:
    choice: uint256
    weight: uint256
    tie: bool


# EVENTS #

event VoteOpened:
    token: indexed(address)
    vote_id: indexed(uint256)
    record_date_id: uint256
    record_timestamp: uint256
    closes_at: uint256
    question: String[256]
    choices: DynArray[String[64], MAX_CHOICES]

event FactorySet:
    factory: indexed(address)

event SecurityListed:
    token: indexed(address)

event VoteCancelled:
    token: indexed(address)
    vote_id: indexed(uint256)

event VoteCast:
    token: indexed(address)
    vote_id: indexed(uint256)
    voter: indexed(address)
    choice: uint256
    weight: uint256

event VoteChanged:
    token: indexed(address)
    vote_id: indexed(uint256)
    voter: indexed(address)
    previous_choice: uint256
    choice: uint256
    weight: uint256

event RecoveredVoteCast:
    token: indexed(address)
    vote_id: indexed(uint256)
    lost_wallet: indexed(address)
    voter: address
    choice: uint256
    weight: uint256


# STORAGE #

# The platform admin: sets the factory once.
ADMIN: public(immutable(address))
# The issuance factory, the only one that lists securities.
factory: public(address)
_vote_counts: HashMap[address, uint256]
_votes: HashMap[address, HashMap[uint256, uint256]]
_questions: HashMap[address, HashMap[uint256, String[256]]]
_choices: HashMap[address, HashMap[uint256, DynArray[String[64], MAX_CHOICES]]]
_tallies: HashMap[address, HashMap[uint256, HashMap[uint256, uint256]]]
_votes_cast: HashMap[address, HashMap[uint256, uint256]]
_ballots: HashMap[address, HashMap[uint256, HashMap[address, uint256]]]


@deploy
def __init__():
    ADMIN = msg.sender


# LISTINGS #


@external
def set_factory(factory_: address):
    """
    @notice Names the issuance factory whose securities this contract serves; once.
    @dev The deployer (ADMIN) only.
    @param factory_ The factory, which calls `list_security` for each security it issues.
    """
    assert msg.sender == ADMIN, "votes: caller is not the admin"
    assert self.factory == empty(address), "votes: factory already set"
    assert factory_ != empty(address), "votes: zero factory"
    self.factory = factory_
    log FactorySet(factory=factory_)


@external
def list_security(token: address):
    """
    @notice Lets votes be opened on a security the factory just issued.
    @dev The factory only.
    @param token The security.
    """
    assert msg.sender == self.factory, "votes: caller is not the factory"
    self._vote_counts[token] |= _LISTED
    log SecurityListed(token=token)


# VOTES #


@external
@nonreentrant
def open_vote(
    token: IRecordDateToken,
    question: String[256],
    choices: DynArray[String[64], MAX_CHOICES],
    record_timestamp: uint256,
    closes_at: uint256,
) -> uint256:
    """
    @notice Opens a shareholder vote on `token` (the token's issuer only; a security the
            factory listed).
    @dev The record date is scheduled on the token (the same timestamp as its latest record date
         shares that date).
    @param token The security.
    @param question What is asked.
    @param choices The answers, 2 to 8, none empty.
    @param record_timestamp When the voting weights are recorded (strictly in the future).
    @param closes_at When voting ends (after the record date).
    @return The vote's id for this token, from 1.
    """
    # Listed first: an unlisted token is not even asked who its issuer is.
    count_word: uint256 = self._vote_counts[token.address]
    assert count_word & _LISTED != 0, "votes: token not listed"
    assert corporate_action._is_issuer(token, msg.sender), "votes: caller is not the issuer"
    assert len(question) != 0, "votes: empty question"
    assert len(choices) >= MIN_CHOICES, "votes: fewer than 2 choices"
    for choice: String[64] in choices:
        assert len(choice) != 0, "votes: empty choice"
    assert closes_at > record_timestamp, "votes: closes before record date"
    assert closes_at <= MAX_TIMESTAMP, "votes: closing too far"
    record_date_id: uint256 = corporate_action._schedule(token, record_timestamp)
    vote_id: uint256 = (count_word & ~_LISTED) + 1
    self._vote_counts[token.address] = count_word + 1
    self._votes[token.address][vote_id] = (
        record_date_id | closes_at << _CLOSES_SHIFT | len(choices) << _CHOICES_SHIFT
    )
    self._questions[token.address][vote_id] = question
    self._choices[token.address][vote_id] = choices
    log VoteOpened(
        token=token.address,
        vote_id=vote_id,
        record_date_id=record_date_id,
        record_timestamp=record_timestamp,
        closes_at=closes_at,
        question=question,
        choices=choices,
    )
    return vote_id


@external
@nonreentrant
def cancel_vote(token: IRecordDateToken, vote_id: uint256):
    """
    @notice Cancels a vote before its record date (the token's issuer only); the record date
            goes with it unless a dividend or another vote shares it. The vote then reads as
            closed at time 0.
    @dev Only the latest record date of the token can be cancelled (the token refuses others).
    @param token The security.
    @param vote_id The vote.
    """
    word: uint256 = self._vote(token, vote_id)
    assert corporate_action._is_issuer(token, msg.sender), "votes: caller is not the issuer"
    assert (word >> _CLOSES_SHIFT) & _MASK_40 != 0, "votes: vote cancelled"
    record_date_id: uint256 = word & _MASK_32
    assert staticcall token.record_date(record_date_id) > block.timestamp, "votes: record date reached"
    # Closed at time 0: the question stays readable and no ballot is ever taken.
    self._votes[token.address][vote_id] = word & ~(_MASK_40 << _CLOSES_SHIFT)
    extcall token.cancel_record_date(record_date_id)
    log VoteCancelled(token=token.address, vote_id=vote_id)


@external
@nonreentrant
def vote(token: IRecordDateToken, vote_id: uint256, choice: uint256) -> uint256:
    """
    @notice Votes, or changes the caller's vote, with the caller's shares at the record date.
    @dev Between the record date and closing; not by a frozen or recovered wallet.
    @param token The security.
    @param vote_id The vote.
    @param choice The index of the chosen answer.
    @return The caller's weight.
    """
    record_date_id: uint256 = self._open_vote_date(token, vote_id, choice)
    record_balance: uint256 = 0
    frozen: bool = False
    recovered: bool = False
    record_balance, frozen, recovered = staticcall token.record_position(msg.sender, record_date_id)
    assert not frozen, "votes: voter frozen"
    assert not recovered, "votes: wallet recovered"
    return self._cast(token, vote_id, msg.sender, record_balance, choice)


@external
@nonreentrant
def vote_recovered(token: IRecordDateToken, vote_id: uint256, lost_wallet: address, choice: uint256) -> uint256:
    """
    @notice Votes, or changes the vote of, a recovered wallet's shares at the record date, from
            the wallet they were recovered to. The lost wallet's ballot is the one cast, so its
            shares count once whoever casts it.
    @dev The caller must be the end of `lost_wallet`'s recovery chain on the token, and not
         frozen.
    @param token The security.
    @param vote_id The vote.
    @param lost_wallet The wallet that held the shares at the record date.
    @param choice The index of the chosen answer.
    @return The lost wallet's weight.
    """
    record_date_id: uint256 = self._open_vote_date(token, vote_id, choice)
    assert lost_wallet != msg.sender, "votes: wallet not recovered"
    assert corporate_action._current_wallet(token, lost_wallet) == msg.sender, "votes: not the recovered wallet"
    assert not staticcall token.isFrozen(msg.sender), "votes: voter frozen"
    weight: uint256 = self._cast(token, vote_id, lost_wallet, staticcall token.balanceOfAt(lost_wallet, record_date_id), choice)
    log RecoveredVoteCast(token=token.address, vote_id=vote_id, lost_wallet=lost_wallet, voter=msg.sender, choice=choice, weight=weight)
    return weight


# VIEWS #


@view
@external
def vote_count(token: address) -> uint256:
    """
    @notice How many votes were opened on a security (ids run from 1 to this).
    @param token The security.
    @return The count.
    """
    return self._vote_counts[token] & ~_LISTED


@view
@external
def listed(token: address) -> bool:
    """
    @notice Whether the factory listed a security, so that votes may be opened on it.
    @param token The security.
    @return True when listed.
    """
    return self._vote_counts[token] & _LISTED != 0


@view
@external
def vote_info(token: IRecordDateToken, vote_id: uint256) -> Vote:
    """
    @notice A vote's question, choices, dates and the weight cast so far.
    @param token The security.
    @param vote_id The vote.
    @return The vote.
    """
    word: uint256 = self._vote(token, vote_id)
    return Vote(
        question=self._questions[token.address][vote_id],
        choices=self._choices[token.address][vote_id],
        record_date_id=word & _MASK_32,
        record_timestamp=staticcall token.record_date(word & _MASK_32),
        closes_at=(word >> _CLOSES_SHIFT) & _MASK_40,
        votes_cast=self._votes_cast[token.address][vote_id],
    )


@view
@external
def tally(token: IRecordDateToken, vote_id: uint256) -> DynArray[uint256, MAX_CHOICES]:
    """
    @notice The weight behind each choice, in the order of the choices.
    @param token The security.
    @param vote_id The vote.
    @return One weight per choice.
    """
    return self._tally(token, vote_id, self._vote(token, vote_id))


@view
@external
def ballot(token: IRecordDateToken, vote_id: uint256, voter: address) -> Ballot:
    """
    @notice A wallet's current ballot.
    @param token The security.
    @param vote_id The vote.
    @param voter The wallet.
    @return Whether it voted, its choice and its weight.
    """
    self._vote(token, vote_id)
    word: uint256 = self._ballots[token.address][vote_id][voter]
    if word == 0:
        return empty(Ballot)
    return Ballot(voted=True, choice=(word & 255) - 1, weight=word >> _WEIGHT_SHIFT)


@view
@external
def result(token: IRecordDateToken, vote_id: uint256) -> Result:
    """
    @notice The outcome once the vote is closed: the choice with the most weight (the first of
            them on a tie, with `tie` set).
    @param token The security.
    @param vote_id The vote.
    @return The winning choice, its weight and whether another choice has as much.
    """
    word: uint256 = self._vote(token, vote_id)
    assert block.timestamp >= (word >> _CLOSES_SHIFT) & _MASK_40, "votes: still open"
    best: Result = empty(Result)
    weights: DynArray[uint256, MAX_CHOICES] = self._tally(token, vote_id, word)
    index: uint256 = 0
    for weight: uint256 in weights:
        if index == 0 or weight > best.weight:
            best = Result(choice=index, weight=weight, tie=False)
        elif weight == best.weight:
            best.tie = True
        index += 1
    return best


# INTERNALS #


@internal
@view
def _vote(token: IRecordDateToken, vote_id: uint256) -> uint256:
    word: uint256 = self._votes[token.address][vote_id]
    assert word != 0, "votes: unknown vote"
    return word


@internal
@view
def _open_vote_date(token: IRecordDateToken, vote_id: uint256, choice: uint256) -> uint256:
    """
    @return The vote's record date id, once it is checked that the vote takes ballots now and
            that `choice` is one of its answers.
    """
    word: uint256 = self._vote(token, vote_id)
    record_date_id: uint256 = word & _MASK_32
    assert staticcall token.record_date(record_date_id) <= block.timestamp, "votes: record date not reached"
    assert block.timestamp < (word >> _CLOSES_SHIFT) & _MASK_40, "votes: closed"
    assert choice < word >> _CHOICES_SHIFT, "votes: no such choice"
    return record_date_id


@internal
def _cast(token: IRecordDateToken, vote_id: uint256, voter: address, record_balance: uint256, choice: uint256) -> uint256:
    """
    @dev Casts or changes `voter`'s ballot; its weight is fixed by the first ballot.
    """
    ballot: uint256 = self._ballots[token.address][vote_id][voter]
    if ballot == 0:
        weight: uint256 = record_balance
        assert weight != 0, "votes: no shares at record date"
        self._ballots[token.address][vote_id][voter] = weight << _WEIGHT_SHIFT | (choice + 1)
        self._tallies[token.address][vote_id][choice] += weight
        self._votes_cast[token.address][vote_id] += weight
        log VoteCast(token=token.address, vote_id=vote_id, voter=voter, choice=choice, weight=weight)
        return weight

    previous: uint256 = (ballot & 255) - 1
    assert previous != choice, "votes: same choice"
    weight: uint256 = ballot >> _WEIGHT_SHIFT
    self._ballots[token.address][vote_id][voter] = weight << _WEIGHT_SHIFT | (choice + 1)
    self._tallies[token.address][vote_id][previous] -= weight
    self._tallies[token.address][vote_id][choice] += weight
    log VoteChanged(token=token.address, vote_id=vote_id, voter=voter, previous_choice=previous, choice=choice, weight=weight)
    return weight


@internal
@view
def _tally(token: IRecordDateToken, vote_id: uint256, word: uint256) -> DynArray[uint256, MAX_CHOICES]:
    weights: DynArray[uint256, MAX_CHOICES] = []
    for choice: uint256 in range(word >> _CHOICES_SHIFT, bound=MAX_CHOICES):
        weights.append(self._tallies[token.address][vote_id][choice])
    return weights
