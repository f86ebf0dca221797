# hearth — English message catalog.
# Every sentence the bot writes is here. Keep keys identical in zh-CN/main.ftl.

## Dates and times (community timezone)
datetime = { $weekday } { $day } { $month } { $time }
date = { $day } { $month } { $year }
wd-mon = Mon
wd-tue = Tue
wd-wed = Wed
wd-thu = Thu
wd-fri = Fri
wd-sat = Sat
wd-sun = Sun
mon-1 = Jan
mon-2 = Feb
mon-3 = Mar
mon-4 = Apr
mon-5 = May
mon-6 = Jun
mon-7 = Jul
mon-8 = Aug
mon-9 = Sep
mon-10 = Oct
mon-11 = Nov
mon-12 = Dec

## Ledger reasons (stored with each row)
reason-checkin = daily check-in
reason-streak-bonus = { $days }-day streak bonus
reason-peer-award = peer award from { $giver }
reason-peer-award-anonymous = peer award
# A member who used /forgetme, where a stored post named them.
member-forgotten = a former member

## /checkin
checkin-done = ✅ { $name } checked in: day { $streak } of the streak.
checkin-restarted = The old streak had ended; a new one starts today.
checkin-points = +{ $points ->
    [one] 1 point
   *[other] { $points } points
} (balance { $balance }).
checkin-points-bonus = +{ $points ->
    [one] 1 point
   *[other] { $points } points
} and a +{ $bonus } streak bonus (balance { $balance }).
checkin-freeze-used = { $used ->
    [one] A freeze covered the missed day
   *[other] Freezes covered { $used } missed days
}; { $freezes ->
    [one] 1 freeze left.
   *[other] { $freezes } freezes left.
}
checkin-freeze-earned = ❄️ Freeze earned: you hold { $freezes ->
    [one] 1 freeze
   *[other] { $freezes } freezes
}.
checkin-freezes = Freezes held: { $freezes }.
checkin-next = Next check-in opens { $opens }.
checkin-already = You have already checked in today (streak { $streak }). The next check-in opens { $opens }.
badge-earned = 🏅 Badge earned: { $badge }!
badge-earned-by = 🏅 { $name } earned the badge { $badge }!

## /streak
streak-summary = Streak: { $streak ->
    [one] 1 day
   *[other] { $streak } days
} (best { $best }). Freezes held: { $freezes }.
streak-done-today = Checked in today. The next check-in opens { $opens }.
streak-at-risk = Not checked in yet today: check in before { $deadline } to keep the streak.
streak-open = Not checked in yet today: /checkin to start a streak.
streak-covered = Not checked in yet today: check in before { $deadline } to keep the streak ({ $freezes ->
    [one] your freeze covers
   *[other] your { $freezes } freezes cover
} the days missed until then).

## /profile
profile-title = { $name } · level { $level }
profile-points = { $balance ->
    [one] 1 point
   *[other] { $balance } points
}; { $missing } more to level { $next }.
profile-points-max = { $balance ->
    [one] 1 point
   *[other] { $balance } points
}; top level reached.
profile-streak = Streak { $streak } (best { $best }) · freezes { $freezes }
profile-badges = Badges: { $badges }
list-separator = {", "}
profile-no-badges = Badges: none yet
profile-rank = Rank #{ $rank } of all time
profile-unranked = Rank: no points yet

## /leaderboard
leaderboard-all = 🏆 Leaderboard: all time
leaderboard-week = 🏆 Leaderboard: this week
leaderboard-month = 🏆 Leaderboard: this month
leaderboard-season = 🏆 Leaderboard: { $season } (until { $end })
leaderboard-points = { " — " }{ $points } pts
leaderboard-empty = No points in this window yet.
leaderboard-you = You: #{ $rank } with { $points ->
    [one] 1 point
   *[other] { $points } points
}.
leaderboard-you-none = You are not on this board yet.

## /give and /award
give-done = 🎁 { $giver } gave { $receiver } { $amount ->
    [one] 1 point
   *[other] { $amount } points
}: { $reason }
give-left = { $left ->
    [0] No gives left today.
    [one] 1 give left today.
   *[other] { $left } gives left today.
}
award-done = ⭐ { $name } was awarded { $amount ->
    [one] 1 point
   *[other] { $amount } points
}: { $reason } (balance { $balance }).
revoke-done = { $name } lost { $amount ->
    [one] 1 point
   *[other] { $amount } points
}: { $reason } (balance { $balance }).

## /stats
stats-title = 📊 { $community }: community stats
stats-members = Members: { $members } · active in the last 7 days: { $active }
stats-checkins = Check-ins today: { $today } ({ $rate_today }%) · check-in rate over 7 days: { $rate_week }%
stats-streaks = Streaks: { $distribution }
stats-segments = Core: { $core } · casual: { $casual } · dormant: { $dormant }
stats-retention = Retention week over week: { $rate }% ({ $kept } of { $of })
stats-retention-none = Retention week over week: nobody was active last week.

## /forgetme
forgetme-ask = This deletes your check-ins, points, badges and identities in this community for good. Type /forgetme confirm to go ahead.
forgetme-done = Done: everything hearth stored about you in this community is deleted.

## Scheduled posts
post-reminder-title = ⏰ Time to check in
post-reminder-all-title = 🎉 Everyone has checked in today
post-reminder-all = { $members ->
    [one] The 1 member here has checked in. Thank you!
   *[other] All { $members } members have checked in. Thank you, see you tomorrow!
}
post-reminder-count = { $members ->
    [one] { $checked } of 1 member has checked in today.
   *[other] { $checked } of { $members } members have checked in today.
}
post-reminder-streak = { $name } ({ $streak })
post-reminder-at-risk = Streaks that end unless their owners check in before { $deadline }: { $names }
button-checkin = Check in
post-done = Posted { $schedule } now; its regular times are unchanged.

## /help
help-title = hearth commands
help-admin-title = Admin commands
cmd-checkin = check in for today and grow your streak
cmd-streak = your streak, freezes and when to check in next
cmd-profile = points, level, streak, badges and rank
cmd-leaderboard = top 10 for all time, this week, this month or the season
cmd-give = give points to another member from your daily allowance
cmd-help = this list
cmd-forgetme = delete everything hearth stores about you
cmd-forgetme-confirm = confirm the deletion
cmd-award = give points to a member (a negative amount revokes)
cmd-stats = community health: activity, check-in rates, streaks, segments
cmd-post = post a schedule's message now
cmd-dashboard = a private sign-in link to the web dashboard: charts, retention, who is drifting away

## Refusals
error-internal = Something went wrong on our side; nothing was changed. Please try again.
error-not-admin = Only admins can do that.
error-unknown-member = I don't know @{ $name } yet: they need to use a hearth command here first, like /checkin.
error-give-self = You can't give points to yourself.
error-give-bot = Bots don't collect points.
error-amount-range = The amount must be a whole number from { $min } to { $max }.
error-award-range = The amount must be a whole number from { $min } to { $max }, but not 0.
error-number-too-large = { $arg }: that number is far too large. Usage: { $usage }
error-allowance-used = { $allowance ->
    [one] You have used your 1 give for today; it resets { $resets }.
   *[other] You have used all { $allowance } gives for today; they reset { $resets }.
}
error-no-season = No season is running right now.
error-not-command = Commands start with /. Type /help for the list.
error-unknown-command = There is no command /{ $name }. Type /help for the list.
error-missing-arg = Missing { $arg }. Usage: { $usage }
error-invalid-arg = { $arg }: expected { $expected }. Usage: { $usage }
error-too-long = The { $arg } can be at most { $max } characters.
error-extra-args = Too many words. Usage: { $usage }
error-unknown-community = No community with id "{ $id }" is configured.
unlinked-chat = This chat is not linked to a hearth community yet. An admin adds this line to the community in the config file:
welcome = 👋 Hi, I'm hearth: daily check-ins, streaks, topics, challenges and points for this group.
welcome-linked = This chat belongs to { $community }. Start with /checkin; /help lists every command.
error-unknown-schedule = There is no schedule "{ $schedule }". Schedules here: { $known }
error-no-schedules = This community has no schedules yet: add a [[community.schedule]] to the config.
expected-member = a member, like @name
expected-integer = a whole number
expected-choice = one of { $choices }
expected-text = text

## Topics
topic-post-title = 💬 Topic of the day
topic-post-hint = Reply to this message to join in (+{ $points ->
    [one] 1 point
   *[other] { $points } points
}, once per topic).
topic-current-title = 💬 Current topic
topic-current-since = Posted { $posted }. Reply to the topic post to earn { $points ->
    [one] 1 point
   *[other] { $points } points
}.
topic-none = No topic has been posted yet.
topic-suggested = Thanks! Your suggestion is #{ $id }; an admin will review it.
topic-added = Topic #{ $id } is in the pool.
topic-exists = That topic is already known as #{ $id }.
topic-approved = Suggestion #{ $id } is approved and in the pool: { $text }
topic-no-suggestion = There is no pending suggestion #{ $id }.
topic-reply-points = +{ $points ->
    [one] 1 point
   *[other] { $points } points
} for joining the topic.
reason-topic-reply = topic reply
cmd-topic = the current topic
cmd-topic-suggest = suggest a topic for the pool
cmd-topic-add = add a topic to the pool
cmd-topic-approve = approve a member's topic suggestion

## Challenges
challenge-title = 🏆 { $theme }
challenge-open-title = 🏆 New challenge: { $theme }
challenge-open-body = Submit with /submit <text or link> { $by ->
    [admin] until an admin opens the voting
   *[schedule] until { $deadline }
}. Every entry earns { $entry_points ->
    [one] 1 point
   *[other] { $entry_points } points
}; the best earn { $prizes }.
challenge-show-open = Open for entries { $by ->
    [admin] until an admin opens the voting
   *[schedule] until { $deadline }
} · { $entries ->
    [one] 1 entry
   *[other] { $entries } entries
} so far.
challenge-show-voting = Voting { $by ->
    [admin] until an admin closes the challenge
   *[schedule] until { $deadline }
} · { $entries ->
    [one] 1 entry
   *[other] { $entries } entries
}. Vote with /vote <number>.
challenge-none = No challenge is running right now.
challenge-queued = A challenge is running; "{ $theme }" will be the next one.
challenge-voting-title = 🗳️ Vote for the best entry: { $theme }
challenge-voting-hint = Vote with /vote <number> or a button { $by ->
    [admin] until an admin closes the challenge
   *[schedule] until { $deadline }
}. One vote each, changeable; not for your own entry.
button-vote = Vote { $number }
challenge-results-title = 🏁 Challenge results: { $theme }
challenge-place-line = { " — " }{ $votes ->
    [one] 1 vote
   *[other] { $votes } votes
} (+{ $points })
challenge-no-votes = Nobody voted this time, so there are no winners.
challenge-participation = Every entry earned +{ $points } ({ $entries ->
    [one] 1 entry
   *[other] { $entries } entries
}). Thanks for taking part!
challenge-no-entries = 🏁 The challenge "{ $theme }" ends without entries. See you at the next one!
challenge-history-title = 🏆 Recent challenges
challenge-history-line = { $theme }: { $winner }
challenge-history-no-winner = no winner
challenge-history-none = No challenge has finished yet.
submit-done = Entry #{ $number } received. You can replace it with /submit { $by ->
    [admin] until an admin opens the voting
   *[schedule] until { $deadline }
}.
submit-replaced = Entry #{ $number } replaced. Submissions close { $by ->
    [admin] when an admin opens the voting
   *[schedule] { $deadline }
}.
vote-done = Your vote for entry #{ $number } is counted.
vote-changed = Your vote now goes to entry #{ $number }.
error-challenge-not-open = Submissions are closed: voting has started.
error-challenge-not-voting = Voting has not started yet; entries are still coming in.
error-challenge-already-voting = Voting has already started; /challenge close ends it.
error-no-entry = There is no entry #{ $number }; entries run from 1 to { $count }.
error-own-entry = You can't vote for your own entry.
reason-challenge-entry = challenge entry: { $theme }
reason-challenge-win = challenge place { $place }: { $theme }
cmd-challenge = the running challenge: theme, phase, deadline
cmd-challenge-history = the last five challenges and their winners
cmd-submit = enter the challenge (a resubmission replaces your entry)
cmd-vote = vote for a challenge entry by its number
cmd-challenge-start = start a challenge with a theme (or queue it as the next)
cmd-challenge-voting = end submissions now and open the voting
cmd-challenge-close = close the challenge now and pay the winners

## Weekly digest
digest-title = 📰 { $community } this week ({ $from } – { $to })
digest-activity = { $checkins ->
    [one] 1 check-in
   *[other] { $checkins } check-ins
} · { $active ->
    [one] 1 active member
   *[other] { $active } active members
} · { $new ->
    [one] 1 new member
   *[other] { $new } new members
}
digest-streaks = Longest streaks: { $names }
digest-points = Most points this week: { $names }
digest-points-entry = { $name } ({ $points })
digest-challenge = Challenge winner: { $winner } with "{ $theme }"

# Argument names in /help and refusals (Discord keeps the Contract's option names).
arg-name-member = member
arg-name-amount = amount
arg-name-reason = reason
arg-name-note = note
arg-name-window = window
arg-name-text = text
arg-name-entry = entry
arg-name-entry-number = entry
arg-name-id = id
arg-name-theme = theme
arg-name-schedule = schedule

# Argument descriptions (Discord slash-command options).
arg-member = the member
arg-amount = how many points
arg-reason = why
arg-note = a note for today (optional)
arg-window = all, week, month or season
arg-text = the topic
arg-entry = the entry
arg-id = the number
arg-theme = the challenge theme
arg-schedule = the schedule id from the config

# schedules
post-nothing = Nothing was posted for { $schedule }.
post-nothing-topic = Nothing was posted: no topic left to post — add one with /topic add <text>.
post-nothing-no-theme = Nothing was posted: there is no theme for a new challenge — start one with /challenge start <theme>.
post-nothing-challenge-running = Nothing was posted: the challenge "{ $theme }" is still running.
post-nothing-voting-begun = Nothing was posted: voting on "{ $theme }" has already begun.
post-nothing-no-challenge = Nothing was posted: no challenge is running right now.

## /dashboard
dashboard-link = Your dashboard link, for you only: it works once, for { $minutes } minutes. Open it and press Continue.
dashboard-off = The web dashboard is off: start hearth with HEARTH_HTTP_ADDR set (and HEARTH_PUBLIC_URL for the address people open).
leaderboard-web = Full board:
