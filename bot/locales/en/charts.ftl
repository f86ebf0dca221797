## Charts drawn as images and on the dashboard's pages

# The digest's chart: the week's days, this week against the week before.
chart-digest-title = { $community }: { $from } – { $to }
chart-day = { $weekday } { $day }
chart-per-day = Per day
chart-checkins = Check-ins
chart-checkins-before = Check-ins, week before
chart-active = Active members
chart-active-before = Active members, week before
chart-digest-alt = Check-ins per day from { $from } to { $to }: { $checkins } (the week before: { $checkins_before }). Active members per day: { $active } (the week before: { $active_before }).
