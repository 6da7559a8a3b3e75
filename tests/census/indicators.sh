# Sourced by the report tests: the census form's indicators counted with
# SQL over a `dieutra export --format sqlite --sensitive` database, written
# apart from the report's code (forms/report.c, the form's expressions) so
# that each checks the other.

# indicators DB WHERE: "name numerator denominator" for each census
# indicator, counted with SQL over an export's complete records.
indicators() {
	while IFS='#' read -r name den num; do
		sqlite3 "$1" "select '$name', coalesce(sum(case when ($den) and ($num) then 1
			else 0 end), 0), coalesce(sum(case when ($den) then 1 else 0 end), 0)
			from children c join households h using (id)
			where h.status = 'complete' and $2" | tr '|' ' '
	done <<'EOF'
special_supported#in_special = 'yes'#supported = 'yes'
severe_disabled_supported#disability_level in ('severe', 'especially_severe')#supported = 'yes'
orphans_abandoned_cared#' ' || special_groups || ' ' like '% orphan_both %' or ' ' || special_groups || ' ' like '% abandoned %' or ' ' || special_groups || ' ' like '% no_caregiver %'#supported = 'yes'
hiv_served#hiv_status in ('living_with_hiv', 'affected')#supported = 'yes'
special_share#1#in_special = 'yes'
ecd_reached#age < 8#ecd_services = 'yes'
birth_registration#1#birth_registered = 'yes'
health_insurance_under6#age < 6#health_insurance = 'yes'
preschool_3_5#age >= 3 and age <= 5#schooling in ('nursery', 'kindergarten')
out_of_school_11_15#age >= 11#schooling in ('not_attending', 'dropped_out')
EOF
}

# reported CSV KEY: "name numerator denominator" of the report's rows for KEY.
reported() {
	sqlite3 -batch :memory: ".import --csv $1 t" \
		"select indicator, numerator, denominator from t where commune = '$2'" | tr '|' ' '
}
