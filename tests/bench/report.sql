-- report.sql - what `dieutra report` computes, as SQL over the tables of
-- `dieutra export --format sqlite --sensitive`: the census form's
-- indicators (numerator and denominator) per commune and for all, and the
-- progress per commune (the indicators count complete households, as the
-- report does).  The benchmark times sqlite3 running it beside
-- dieutra report (tests/bench/b*-*.sh).
WITH c AS (
	SELECT commune, in_special = 'yes' AS special, supported = 'yes' AS supp,
		disability_level IN ('severe', 'especially_severe') AS severe,
		' ' || special_groups || ' ' LIKE '% orphan_both %'
			OR ' ' || special_groups || ' ' LIKE '% abandoned %'
			OR ' ' || special_groups || ' ' LIKE '% no_caregiver %' AS orphan,
		hiv_status IN ('living_with_hiv', 'affected') AS hiv,
		age, ecd_services = 'yes' AS ecd, birth_registered = 'yes' AS registered,
		health_insurance = 'yes' AS insured,
		schooling IN ('nursery', 'kindergarten') AS preschool,
		schooling IN ('not_attending', 'dropped_out') AS out_of_school
	FROM children WHERE status = 'complete'
)
SELECT coalesce(commune, 'all'),
	sum(special AND supp), sum(special),
	sum(severe AND supp), sum(severe),
	sum(orphan AND supp), sum(orphan),
	sum(hiv AND supp), sum(hiv),
	sum(special), count(*),
	sum(age < 8 AND ecd), sum(age < 8),
	sum(registered), count(*),
	sum(age < 6 AND insured), sum(age < 6),
	sum(age BETWEEN 3 AND 5 AND preschool), sum(age BETWEEN 3 AND 5),
	sum(age >= 11 AND out_of_school), sum(age >= 11)
FROM c GROUP BY commune
UNION ALL
SELECT 'all',
	sum(special AND supp), sum(special),
	sum(severe AND supp), sum(severe),
	sum(orphan AND supp), sum(orphan),
	sum(hiv AND supp), sum(hiv),
	sum(special), count(*),
	sum(age < 8 AND ecd), sum(age < 8),
	sum(registered), count(*),
	sum(age < 6 AND insured), sum(age < 6),
	sum(age BETWEEN 3 AND 5 AND preschool), sum(age BETWEEN 3 AND 5),
	sum(age >= 11 AND out_of_school), sum(age >= 11)
FROM c;
SELECT commune, count(*), sum(status = 'complete'), sum(status = 'draft'),
	sum(status = 'rejected'), max(modified)
FROM households GROUP BY commune;
