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
        result are on-chain. Frozen wallets may not vote.
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


# STORAGE #

vote_count: public(HashMap[address, uint256])
_votes: HashMap[address, HashMap[uint256, uint256]]
_questions: HashMap[address, HashMap[uint256, String[256]]]
_choices: HashMap[address, HashMap[uint256, DynArray[String[64], MAX_CHOICES]]]
_tallies: HashMap[address, HashMap[uint256, HashMap[uint256, uint256]]]
_votes_cast: HashMap[address, HashMap[uint256, uint256]]
_ballots: HashMap[address, HashMap[uint256, HashMap[address, uint256]]]


@external
def open_vote(
    token: IRecordDateToken,
    question: String[256],
    choices: DynArray[String[64], MAX_CHOICES],
    record_timestamp: uint256,
    closes_at: uint256,
) -> uint256:
    """
    @notice Opens a shareholder vote on `token` (the token's issuer only).
    @dev The record date is scheduled on the token (the same timestamp as its latest record date
         shares that date).
    @param token The security.
    @param question What is asked.
    @param choices The answers, 2 to 8, none empty.
    @param record_timestamp When the voting weights are recorded (strictly in the future).
    @param closes_at When voting ends (after the record date).
    @return The vote's id for this token, from 1.
    """
    assert corporate_action._is_issuer(token, msg.sender), "votes: caller is not the issuer"
    assert len(question) != 0, "votes: empty question"
    assert len(choices) >= MIN_CHOICES, "votes: fewer than 2 choices"
    for choice: String[64] in choices:
        assert len(choice) != 0, "votes: empty choice"
    assert closes_at > record_timestamp, "votes: closes before record date"
    assert closes_at <= MAX_TIMESTAMP, "votes: closing too far"
    record_date_id: uint256 = corporate_action._schedule(token, record_timestamp)
    vote_id: uint256 = self.vote_count[token.address] + 1
    self.vote_count[token.address] = vote_id
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
def vote(token: IRecordDateToken, vote_id: uint256, choice: uint256) -> uint256:
    """
    @notice Votes, or changes the caller's vote, with the caller's shares at the record date.
    @dev Between the record date and closing; not by a frozen or recovered wallet.
    @param token The security.
    @param vote_id The vote.
    @param choice The index of the chosen answer.
    @return The caller's weight.
    """
    word: uint256 = self._vote(token, vote_id)
    record_date_id: uint256 = word & _MASK_32
    assert staticcall token.record_date(record_date_id) <= block.timestamp, "votes: record date not reached"
    assert block.timestamp < (word >> _CLOSES_SHIFT) & _MASK_40, "votes: closed"
    assert choice < word >> _CHOICES_SHIFT, "votes: no such choice"
    record_balance: uint256 = 0
    frozen: bool = False
    recovered: bool = False
    record_balance, frozen, recovered = staticcall token.record_position(msg.sender, record_date_id)
    assert not frozen, "votes: voter frozen"
    assert not recovered, "votes: wallet recovered"

    ballot: uint256 = self._ballots[token.address][vote_id][msg.sender]
    if ballot == 0:
        weight: uint256 = record_balance
        assert weight != 0, "votes: no shares at record date"
        self._ballots[token.address][vote_id][msg.sender] = weight << _WEIGHT_SHIFT | (choice + 1)
        self._tallies[token.address][vote_id][choice] += weight
        self._votes_cast[token.address][vote_id] += weight
        log VoteCast(token=token.address, vote_id=vote_id, voter=msg.sender, choice=choice, weight=weight)
        return weight

    previous: uint256 = (ballot & 255) - 1
    assert previous != choice, "votes: same choice"
    weight: uint256 = ballot >> _WEIGHT_SHIFT
    self._ballots[token.address][vote_id][msg.sender] = weight << _WEIGHT_SHIFT | (choice + 1)
    self._tallies[token.address][vote_id][previous] -= weight
    self._tallies[token.address][vote_id][choice] += weight
    log VoteChanged(token=token.address, vote_id=vote_id, voter=msg.sender, previous_choice=previous, choice=choice, weight=weight)
    return weight


# VIEWS #


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
def _tally(token: IRecordDateToken, vote_id: uint256, word: uint256) -> DynArray[uint256, MAX_CHOICES]:
    weights: DynArray[uint256, MAX_CHOICES] = []
    for choice: uint256 in range(word >> _CHOICES_SHIFT, bound=MAX_CHOICES):
        weights.append(self._tallies[token.address][vote_id][choice])
    return weights
