"""Build inputs/base_case.xlsx, the 2026 critical-minerals club base case, from the sourced CSVs.

Run:  .venv/bin/python inputs/build_base_case.py [--data DIR] [--out PATH] [--report]

Inputs are the research tables in ``inputs/data`` (USGS MCS 2026, IEA Critical Minerals Data
Explorer 2025, the 4 Feb 2026 ministerial attendee list, export controls, stockpiles, capex
anchors; see that folder's README.md). Everything the CSVs do not give is an *assumption* kept in
this script as a small, labelled table next to the text that justifies it; every assumption that
is not derived from a sourced figure says ESTIMATE in the ``source`` column of the rows it feeds.
The output workbook is self-contained (usable without ``inputs/data``) and deterministic: the same
inputs give the same bytes.

The modelling choices are documented in docs/base_case.md. In short:

* Two stages per mineral, ``mining`` (order 1) and ``processing`` (order 2, final), with one mass
  basis per mineral used consistently in Capacity, Demand, Prices, Projects and stocks.
* Existing capacity = observed output (capacity_t = production, utilization = 1), from the latest
  year in the data (2025 USGS estimate, else 2024) as the 2026 row; IEA 2030/2035 base-case rows
  for non-members; members keep their observed output (or the IEA figure where it is lower:
  closures) and grow only through Projects (named projects, or committed "IEA base-case growth"
  projects for the growth the IEA already expects), so nothing is double counted.
* Where world supply falls short of IEA STEPS demand, non-member processing (and, for minerals
  whose mine output feeds the final product, all mining) is scaled up to meet it, so the base case
  has concentration but no structural world shortage.
* Club demand = world demand x the club's share of world end-use consumption (per mineral).
"""

from __future__ import annotations

import argparse
import io
import math
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from mineralclub.io.template import save_atomic, write_template

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "inputs" / "data"  # the sourced tables, with their README
DEFAULT_OUT = REPO / "inputs" / "base_case.xlsx"

ROW = "Rest of world"  # aggregate non-member for every producer without its own row
LCE_PER_LI = 5.323  # t LCE per t Li (README: 1 t Li = 5.323 t LCE)
MN_IN_HPMSM = 0.325  # t Mn per t MnSO4.H2O (stoichiometry: 54.94 / 169.02)

# =================================================================================================
# Sources (the Sources sheet). Row source texts cite these ids in square brackets.
# =================================================================================================
SOURCES = [
    (
        "USGS_MCS_2026",
        "USGS Mineral Commodity Summaries 2026",
        "World mine / refinery production "
        "tables (p.2) and Salient Statistics (p.1) of each commodity chapter",
        2026,
        "https://pubs.usgs.gov/periodicals/mcs2026/",
        "2024 actual, 2025 USGS estimate; read via "
        "github.com/pranava0x0/usgs-mineral-commodity-summaries (data/audit/<mineral>/data.json)",
    ),
    (
        "USGS_MCS_2025_SEC",
        "USGS Mineral Commodity Summaries 2025, quoted secondarily",
        "Bauxite and alumina world production tables",
        2025,
        "dollarmetal.com/?p=10082; miniapp.gate.com/post/status/17187270",
        "secondary quotes; world totals partly ESTIMATE",
    ),
    (
        "IEA_CMDE_2025",
        "IEA Critical Minerals Data Explorer, May 2025 edition (companion of the "
        "Global Critical Minerals Outlook 2025)",
        "Total supply for key minerals > Refining; Total "
        "demand (STEPS/APS/NZE); clean-technology demand",
        2025,
        "https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer",
        "CC BY 4.0; 2024 observed, 2030/2035 base case (operating + announced projects weighted by "
        "likelihood); read via github.com/barrytho/uk-critical-minerals-dashboard data/iea.json "
        "(commit 6229124b); kt x 1000",
    ),
    (
        "IEA_GCMO_2025_POLICY",
        "IEA Global Critical Minerals Outlook 2025",
        "Policy mechanisms for diversified mineral supplies",
        2025,
        "https://www.iea.org/reports/global-critical-minerals-outlook-2025/"
        "policy-mechanisms-for-diversified-mineral-supplies",
        "capex outside the dominant producer typically ~50% higher",
    ),
    (
        "STATE_2026_MINISTERIAL",
        "US Department of State, '2026 Critical Minerals Ministerial' release",
        "Attendee list (54 countries + European Commission, with the US host)",
        2026,
        "nie-podam.pl/viewer.php?id=110731777 (reprint)",
        "MOU list: thefederalnewswire.com",
    ),
    (
        "DATA_PRICES",
        "Price series compiled in shared/data/prices.csv",
        "USGS MCS 2026 Salient "
        "Statistics (Li, Ni, Co, Mn, graphite, Cu, Al, REE, Ga, Ge, In, Ta, W, Sb); "
        "Reuters (LME Al "
        "2025); Argus via gmteight.com (Dy/Tb Europe 2025); Syrah Resources (AAM)",
        2026,
        "",
        "annual averages 2021-2025 converted to USD per metric ton; some rows ESTIMATE (LME Al "
        "2022/2024, alumina, China-domestic Dy/Tb)",
    ),
    (
        "DATA_CAPEX",
        "Capex/opex/lead-time anchors compiled in shared/data/capex.csv",
        "S&P Global MI 2022 (lithium pipeline); Wood Mackenzie (HPAL, Li cash costs); Syrah "
        "Resources (Vidalia); nsenergybusiness.com (Vidalia expansion); AME 2021 (Cu smelters); "
        "mining.com 2021 (Manyar); Kallanish 2024 (Lynas Kalgoorlie); cen.acs.org / Argus (Lynas "
        "Texas)",
        2025,
        "",
        "most ex-China opex and minor-metal capex rows are ESTIMATE, UNVERIFIED in the data",
    ),
    (
        "DATA_EXPORT_CONTROLS",
        "Chinese export-control timeline compiled in shared/data/export_controls.csv",
        "MOFCOM/GAC announcements 2023-2025 via Xinhua, Reuters, SMM, USGS MCS 2026",
        2025,
        "",
        "incl. the Nov 2025 one-year suspensions",
    ),
    (
        "DATA_STOCKPILES",
        "Stockpile programmes compiled in shared/data/stockpiles.csv",
        "CRS R47833 (US NDS); IEA policies database (JOGMEC, KOMIR); gtreview.com (Project Vault)",
        2026,
        "",
        "holding cost 5-8% of value per year is ESTIMATE, UNVERIFIED in the data",
    ),
    (
        "STRATAS_2023",
        "Stratas Advisors, Battery-Grade Manganese Refining Market Assessment",
        "China ~84%, Japan ~11% of HPMSM",
        2023,
        "stratasadvisors.com/insights/2023/02242023-midstream-manganese-market-assessment",
        "",
    ),
    (
        "EU_CRMA_2024",
        "Regulation (EU) 2024/1252 (Critical Raw Materials Act)",
        "Art. 5(1): "
        "benchmarks for 2030 (10% extraction, 40% processing, 25% recycling of EU consumption; no "
        "more than 65% of any strategic raw material at any relevant stage of processing from a "
        "single third country)",
        2024,
        "https://eur-lex.europa.eu/eli/reg/2024/1252/oj",
        "cited from the regulation's text (not in shared/data)",
    ),
    (
        "EU_BR_TOOLBOX",
        "European Commission, Better Regulation Toolbox",
        "Tool #61 (discount rate): 3% real social discount rate",
        2023,
        "https://commission.europa.eu/law/law-making-process/planning-and-proposing-law/"
        "better-regulation/better-regulation-guidelines-and-toolbox_en",
        "cited from memory",
    ),
    (
        "IMF_WEO_2025",
        "IMF World Economic Outlook database, Oct 2025",
        "Nominal GDP 2025, USD",
        2025,
        "https://www.imf.org/en/Publications/WEO",
        "ESTIMATE: rounded figures from memory, not read from a stored copy",
    ),
    (
        "PROJECT_NEWS",
        "Company and government announcements of named projects",
        "as cited per row",
        2025,
        "",
        "capacities and dates from public announcements as remembered; ESTIMATE "
        "unless the figure is in shared/data/capex.csv",
    ),
    (
        "PROJECT_DELAYS",
        "Share of critical-mineral projects delayed before production",
        "about 60% (figure quoted in SPEC §4.14)",
        2026,
        "",
        "ESTIMATE: the originating study is not in "
        "shared/data; delays per project and scenario are analyst judgement",
    ),
    (
        "BASE_CASE_ESTIMATE",
        "Assumptions of this base case (inputs/build_base_case.py)",
        "assumption tables in the script; docs/base_case.md",
        2026,
        "",
        "ESTIMATE: analyst judgement, documented per row",
    ),
]

# =================================================================================================
# Settings and periods
# =================================================================================================
SETTINGS = {
    "name": ("2026 critical-minerals club base case", "[BASE_CASE_ESTIMATE]"),
    "base_year": (2026, "first period; prices and costs in real 2025 USD [BASE_CASE_ESTIMATE]"),
    "discount_rate": (
        0.03,
        "3% real social discount rate for public spending, as recommended "
        "by the EU Better Regulation Toolbox (tool #61) and close to US OMB "
        "Circular A-4 (2023, 2% real); the club spends public money "
        "[EU_BR_TOOLBOX]",
    ),
    "mip_gap": (0.005, "0.5%: below the precision of the data [BASE_CASE_ESTIMATE]"),
    "time_limit_s": (600, "10 minutes on a laptop [BASE_CASE_ESTIMATE]"),
    "shortfall_penalty_multiple": (
        5,
        "unmet demand costs 5x the final-stage price (lost "
        "downstream value added); ESTIMATE [BASE_CASE_ESTIMATE]",
    ),
    "objective_risk_weight": (
        0,
        "risk-neutral base case; raise to weigh CVaR [BASE_CASE_ESTIMATE]",
    ),
    "cvar_alpha": (0.9, "worst 10% of probability [BASE_CASE_ESTIMATE]"),
    "floor_design": (
        "uniform",
        "one strike per mineral and stage, as in the 2025 DoD-MP and "
        "Vidalia-type reference-price guarantees; per_contract is the bilateral "
        "alternative (SPEC §4.11) [BASE_CASE_ESTIMATE]",
    ),
    "consumer_cost_weight": (
        1.0,
        "a dollar paid by club manufacturers counts like a dollar of "
        "treasury money; the Sweeps sheet's weight frontier shows what flips "
        "when it counts more (SPEC §4.13) [BASE_CASE_ESTIMATE]",
    ),
    "producer_gain_weight": (
        1.0,
        "a dollar earned by club producers counts like a dollar saved; "
        "with both weights 1 transfers inside the club cancel "
        "[BASE_CASE_ESTIMATE]",
    ),
}

PERIODS = [(2026, 2), (2028, 2), (2030, 5), (2035, 5)]  # horizon 2026-2039
PERIOD_SOURCE = (
    "Model periods 2026-27, 2028-29, 2030-34, 2035-39. Annual rates in a period are the values at "
    "its mid-year (2026.5, 2028.5, 2032, 2037), linearly interpolated between data points (2024 or "
    "2025 observed; IEA 2030, 2035, 2040); so IEA '2040' figures enter only through the 2035-39 "
    "period [BASE_CASE_ESTIMATE]"
)
MID_YEAR = {y: y + (d - 1) / 2 for y, d in PERIODS}  # mean of the period's years
# 2026 -> 2026.5, 2028 -> 2028.5, 2030 -> 2032, 2035 -> 2037

# =================================================================================================
# Countries
# =================================================================================================
# Attendee names as in ministerial_attendees.csv; EU members that did not attend are added because
# the European Commission attended for the whole EU and producers are national.
EU27 = [
    "Austria",
    "Belgium",
    "Bulgaria",
    "Croatia",
    "Cyprus",
    "Czech Republic",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "Ireland",
    "Italy",
    "Latvia",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Netherlands",
    "Poland",
    "Portugal",
    "Romania",
    "Slovakia",
    "Slovenia",
    "Spain",
    "Sweden",
]

# name: (iso3, region, gdp_busd). GDP: ESTIMATE, approx. IMF WEO Oct 2025 nominal 2025 (memory).
COUNTRY_INFO = {
    "United States": ("USA", "North America", 30500),
    "Canada": ("CAN", "North America", 2280),
    "Mexico": ("MEX", "Latin America & Caribbean", 1860),
    "Argentina": ("ARG", "Latin America & Caribbean", 680),
    "Bolivia": ("BOL", "Latin America & Caribbean", 55),
    "Brazil": ("BRA", "Latin America & Caribbean", 2260),
    "Dominican Republic": ("DOM", "Latin America & Caribbean", 130),
    "Ecuador": ("ECU", "Latin America & Caribbean", 128),
    "Paraguay": ("PRY", "Latin America & Caribbean", 46),
    "Peru": ("PER", "Latin America & Caribbean", 310),
    "Chile": ("CHL", "Latin America & Caribbean", 360),
    "Australia": ("AUS", "East Asia & Pacific", 1830),
    "Cook Islands": ("COK", "East Asia & Pacific", 0.4),
    "Japan": ("JPN", "East Asia & Pacific", 4280),
    "Malaysia": ("MYS", "East Asia & Pacific", 470),
    "Mongolia": ("MNG", "East Asia & Pacific", 24),
    "New Zealand": ("NZL", "East Asia & Pacific", 260),
    "Philippines": ("PHL", "East Asia & Pacific", 500),
    "Republic of Korea": ("KOR", "East Asia & Pacific", 1860),
    "Singapore": ("SGP", "East Asia & Pacific", 565),
    "Thailand": ("THA", "East Asia & Pacific", 560),
    "China": ("CHN", "East Asia & Pacific", 19400),
    "Indonesia": ("IDN", "East Asia & Pacific", 1440),
    "Myanmar": ("MMR", "East Asia & Pacific", 65),
    "India": ("IND", "South Asia", 4130),
    "Pakistan": ("PAK", "South Asia", 410),
    "Armenia": ("ARM", "Europe & Central Asia", 26),
    "Kazakhstan": ("KAZ", "Europe & Central Asia", 300),
    "Uzbekistan": ("UZB", "Europe & Central Asia", 125),
    "Tajikistan": ("TJK", "Europe & Central Asia", 15),
    "Russia": ("RUS", "Europe & Central Asia", 2100),
    "Ukraine": ("UKR", "Europe", 200),
    "United Kingdom": ("GBR", "Europe", 3960),
    "Norway": ("NOR", "Europe", 500),
    "Austria": ("AUT", "Europe", 560),
    "Belgium": ("BEL", "Europe", 690),
    "Bulgaria": ("BGR", "Europe", 120),
    "Croatia": ("HRV", "Europe", 100),
    "Cyprus": ("CYP", "Europe", 40),
    "Czech Republic": ("CZE", "Europe", 380),
    "Denmark": ("DNK", "Europe", 450),
    "Estonia": ("EST", "Europe", 45),
    "Finland": ("FIN", "Europe", 310),
    "France": ("FRA", "Europe", 3360),
    "Germany": ("DEU", "Europe", 5010),
    "Greece": ("GRC", "Europe", 270),
    "Hungary": ("HUN", "Europe", 240),
    "Ireland": ("IRL", "Europe", 620),
    "Italy": ("ITA", "Europe", 2460),
    "Latvia": ("LVA", "Europe", 45),
    "Lithuania": ("LTU", "Europe", 90),
    "Luxembourg": ("LUX", "Europe", 95),
    "Malta": ("MLT", "Europe", 28),
    "Netherlands": ("NLD", "Europe", 1320),
    "Poland": ("POL", "Europe", 1040),
    "Portugal": ("PRT", "Europe", 330),
    "Romania": ("ROU", "Europe", 420),
    "Slovakia": ("SVK", "Europe", 150),
    "Slovenia": ("SVN", "Europe", 77),
    "Spain": ("ESP", "Europe", 1890),
    "Sweden": ("SWE", "Europe", 640),
    "Bahrain": ("BHR", "Middle East & North Africa", 48),
    "Israel": ("ISR", "Middle East & North Africa", 580),
    "Jordan": ("JOR", "Middle East & North Africa", 55),
    "Morocco": ("MAR", "Middle East & North Africa", 165),
    "Oman": ("OMN", "Middle East & North Africa", 108),
    "Qatar": ("QAT", "Middle East & North Africa", 220),
    "Saudi Arabia": ("SAU", "Middle East & North Africa", 1270),
    "United Arab Emirates": ("ARE", "Middle East & North Africa", 570),
    "Angola": ("AGO", "Sub-Saharan Africa", 110),
    "Democratic Republic of the Congo": ("COD", "Sub-Saharan Africa", 75),
    "Guinea": ("GIN", "Sub-Saharan Africa", 26),
    "Kenya": ("KEN", "Sub-Saharan Africa", 135),
    "Sierra Leone": ("SLE", "Sub-Saharan Africa", 8),
    "Zambia": ("ZMB", "Sub-Saharan Africa", 30),
    "Gabon": ("GAB", "Sub-Saharan Africa", 22),
    "Ghana": ("GHA", "Sub-Saharan Africa", 90),
    "South Africa": ("ZAF", "Sub-Saharan Africa", 430),
    "Zimbabwe": ("ZWE", "Sub-Saharan Africa", 50),
    ROW: ("", "Rest of world", None),
}

# Negotiating blocs of the members (Countries.bloc; `mineralclub coalition --by bloc`): ESTIMATE,
# grouped as the club negotiates (docs/base_case.md): the EU speaks through the Commission and
# the UK, Norway and Ukraine are tied to it by trade and raw-materials partnerships; Mexico
# joins the USMCA partners; the Cook Islands are in free association with New Zealand; Morocco is
# in the African Union; the Gulf, Middle East, Central and Southeast Asia and Pakistan form the
# eighth bloc.
BLOCS = {
    "North America": ["United States", "Canada", "Mexico"],
    "Europe": EU27 + ["United Kingdom", "Norway", "Ukraine"],
    "Japan-Korea": ["Japan", "Republic of Korea"],
    "Australia-New Zealand": ["Australia", "New Zealand", "Cook Islands"],
    "India": ["India"],
    "Latin America": [
        "Argentina",
        "Bolivia",
        "Brazil",
        "Dominican Republic",
        "Ecuador",
        "Paraguay",
        "Peru",
    ],
    "Africa": [
        "Angola",
        "Democratic Republic of the Congo",
        "Guinea",
        "Kenya",
        "Morocco",
        "Sierra Leone",
        "Zambia",
    ],
    "Gulf and others": [
        "Saudi Arabia",
        "United Arab Emirates",
        "Qatar",
        "Oman",
        "Bahrain",
        "Israel",
        "Jordan",
        "Pakistan",
        "Armenia",
        "Kazakhstan",
        "Uzbekistan",
        "Mongolia",
        "Singapore",
        "Malaysia",
        "Thailand",
        "Philippines",
    ],
}
BLOC_OF = {country: bloc for bloc, countries in BLOCS.items() for country in countries}

# Country names in the USGS / IEA tables -> names used here.
NAME_MAP = {
    "Congo (Kinshasa)": "Democratic Republic of the Congo",
    "Korea, Republic of": "Republic of Korea",
    "Burma": "Myanmar",
    "Other countries": ROW,
    "Other": ROW,
    "Rest of world": ROW,
}

# A non-member producer gets its own row when it has at least this share of world output of a
# modelled mineral at either stage in the latest data year; smaller ones go into Rest of world.
OWN_ROW_SHARE = 0.05

# Partners: non-attendees friendly to the club that may sign offtake (ESTIMATE, rationale given).
PARTNERS = {
    "Chile": "absent from the ministerial but a US FTA partner with an EU-Chile Advanced Framework "
    "Agreement (2023) that has a raw-materials chapter; #2 lithium chemicals, #1 copper "
    "mine [BASE_CASE_ESTIMATE]",
    "South Africa": "absent; EU-South Africa Clean Trade and Investment Partnership (Mar 2025) "
    "covers raw materials; #1 manganese ore [BASE_CASE_ESTIMATE]",
}

# Import premium (USD/t, freight + tariff on imports from a non-member). One figure per country
# for every mineral; members trade duty-free inside the club's preferential zone.
# Ad-valorem import premium (SPEC §4.15): freight, insurance and tariffs as a share of the market
# price (a flat USD/t premium made bulk aluminium and copper most of the "damage"; a share of value
# weighs each mineral by what its imports are worth).
IMPORT_PREMIUM_SHARE = {"China": 0.04, "Russia": 0.04}
IMPORT_PREMIUM_SHARE_DEFAULT = 0.01
IMPORT_PREMIUM_SOURCE = {
    "China": "ESTIMATE: 4% of value = ~1% extra freight and insurance over sourcing inside the "
    "club plus a ~3% tariff-equivalent averaged over club members for extra duties on "
    "China-origin material (US Section 301 / IEEPA duties; AD 93.5% and CVD 11.58-721% "
    "on Chinese active anode material in the US only, USGS MCS 2026 graphite; most other "
    "members MFN 0-5%) [USGS_MCS_2026][BASE_CASE_ESTIMATE]",
    "Russia": "ESTIMATE: 4% of value = extra freight plus sanction-related costs (US/UK LME ban on "
    "new Russian Al, Cu, Ni metal, Apr 2024; EU phase-out of Russian primary Al) "
    "[BASE_CASE_ESTIMATE]",
    "default": "ESTIMATE: 1% of value, the extra freight and insurance over sourcing inside the "
    "club (members ship to each other too); MFN tariffs on ores and unwrought metals "
    "are mostly 0-5% and zero inside most members' FTAs [BASE_CASE_ESTIMATE]",
}

# Trade-zone reference prices (SPEC §4.12): candidate levels at the processing stages where the
# club's dependence on one supplier is worst (China's share of refining 70-99%, IEA CMDE 2025),
# at a new ex-China plant's full cost (the level at which allied plants run without a subsidy)
# and 10% below it.
REFERENCE_MINERALS = (
    "graphite",
    "rare_earths",
    "gallium",
    "germanium",
    "tungsten",
    "antimony",
    "manganese",
)
REFERENCE_LEVELS = (("ex_china_cost", 1.0), ("ex_china_cost_minus_10pct", 0.9))
# Two-sided contracts: the upside share the covered producer pays back (SPEC §4.11).
UPSIDE_SHARE = {
    ("rare_earths", "dod_mp_reference"): (
        0.30,
        "DoD-MP Materials agreement (Jul 2025): the government receives 30% of the upside "
        "above the NdPr floor [PROJECT_NEWS]",
    )
}

# =================================================================================================
# Minerals: basis, stages, demand, prices, costs
# =================================================================================================
# Each mineral: basis; processing yield (t refined product per t stage-1 content); the club's share
# of world end-use consumption (ESTIMATE); the demand series in demand.csv; the price series.
# club_share rationale: the club (US, EU-27, Japan, Korea, India, UK, Canada, Australia, Mexico,
# Brazil, Gulf and SE-Asian members...) is ~55-60% of world GDP at market rates; China is ~50-60%
# of world apparent use of most of these minerals but part of that is re-exported embedded in
# products (batteries, magnets, electronics, wire), so the club's end-use share is ~0.40-0.50.
MINERALS = {
    "lithium": dict(
        basis="t Li (contained lithium; 1 t Li = 5.323 t LCE)",
        yield_=0.90,
        yield_note="spodumene concentrate/brine to hydroxide or carbonate, 85-92% recovery",
        club_share=0.40,
        club_note="China ~55-60% of EV and battery end-use; club ~40%",
        demand=("lithium", "observed", "STEPS"),
    ),
    "nickel": dict(
        basis="t Ni (contained nickel)",
        yield_=0.95,
        yield_note="refining recovery of nickel in ore/matte/MHP",
        club_share=0.40,
        club_note="China ~60% of use (stainless steel); club ~40%",
        demand=("nickel", "observed", "STEPS"),
    ),
    "cobalt": dict(
        basis="t Co (contained cobalt)",
        yield_=0.95,
        yield_note="hydroxide-to-metal/sulphate refining recovery",
        club_share=0.45,
        club_note="club cathode, superalloy and hard-metal use ~45%",
        demand=("cobalt", "observed", "STEPS"),
    ),
    "manganese": dict(
        basis="t Mn (contained; processing = battery-grade HPMSM)",
        yield_=0.85,
        yield_note="ore/EMM to high-purity manganese sulphate, ~85% Mn recovery",
        club_share=0.40,
        club_note="battery-grade Mn follows battery cell end-use; club ~40%",
        demand=("manganese", "observed_cleantech_only", "STEPS_cleantech_only"),
    ),
    "graphite": dict(
        basis="t graphite (mining = flake concentrate or anode-grade coke; processing = battery "
        "active anode material)",
        yield_=0.60,
        yield_note="blended: natural flake to coated spherical graphite ~0.45-0.5, coke to "
        "synthetic graphite ~0.8",
        club_share=0.40,
        club_note="battery cell end-use; club ~40%",
        demand=("graphite_battery_grade", "observed_cleantech_only", "STEPS_cleantech_only"),
    ),
    "copper": dict(
        basis="t Cu (contained copper)",
        yield_=0.98,
        yield_note="smelting and refining recovery of copper in concentrate",
        club_share=0.45,
        club_note="China ~55% of refined use, part re-exported in products; club ~45%",
        demand=("copper", "observed", "STEPS"),
    ),
    "aluminium": dict(
        basis="t Al (mining = bauxite in t Al-equivalent at 4.5 t bauxite per t Al)",
        yield_=0.98,
        yield_note="bauxite Al-equivalent to primary aluminium via alumina; losses ~2%",
        club_share=0.40,
        club_note="China ~58% of primary use (construction); club ~40%",
        demand=("aluminium_primary", "estimate_baseline", "estimate_baseline"),
    ),
    "rare_earths": dict(
        basis="t magnet REO (Nd, Pr, Dy, Tb oxides; mining = magnet-REE content of mined REO)",
        yield_=0.95,
        yield_note="cracking and solvent-extraction separation recovery",
        club_share=0.50,
        club_note="magnets in club vehicles, wind turbines, electronics and "
        "defence, incl. magnets imported; club ~50%",
        demand=("rare_earths_magnet_REE", "observed", "STEPS"),
    ),
    "gallium": dict(
        basis="t Ga (mining = recoverable Ga in Bayer liquor / zinc residues; processing = "
        "primary gallium)",
        yield_=0.90,
        yield_note="recovery from host-metal streams into primary gallium",
        club_share=0.45,
        club_note="compound semiconductors, defence radar, LEDs; club ~45%",
        demand=("gallium_all_uses", "estimate_baseline", "estimate_baseline"),
    ),
    "germanium": dict(
        basis="t Ge (mining = recoverable Ge in zinc residues / fly ash; processing = refined Ge)",
        yield_=0.90,
        yield_note="recovery from residues into refined germanium",
        club_share=0.50,
        club_note="fibre optics, infrared optics, defence, satellites; club ~50%",
        demand=("germanium_all_uses", "estimate_baseline", "estimate_baseline"),
    ),
    "tungsten": dict(
        basis="t W (contained tungsten; processing = APT and W chemicals)",
        yield_=0.95,
        yield_note="concentrate to APT recovery",
        club_share=0.45,
        club_note="hard metals, defence, machining; club ~45%",
        demand=("tungsten_all_uses", "estimate_baseline", "estimate_baseline"),
    ),
    "antimony": dict(
        basis="t Sb (contained antimony; processing = metal and oxide)",
        yield_=0.95,
        yield_note="concentrate to metal/oxide smelting recovery",
        club_share=0.45,
        club_note="flame retardants, lead-acid, munitions, solar glass; club ~45%",
        demand=("antimony_all_uses", "estimate_baseline", "estimate_baseline"),
    ),
    "indium": dict(
        basis="t In (mining = recoverable In in zinc residues; processing = refined indium)",
        yield_=0.90,
        yield_note="recovery from zinc-smelter residues",
        club_share=0.40,
        club_note="ITO for displays is made mostly in China, Korea, Japan and Taiwan; club ~40%",
        demand=("indium_all_uses", "estimate_baseline", "estimate_baseline"),
    ),
}
OTHER_NONCLUB_USE = 0.10  # end-use share of non-members other than China (ESTIMATE)

# --- Prices --------------------------------------------------------------------------------------
# Final-stage (processing) price series: prices.csv series x factor (to the mineral's basis).
# Mining-stage price: either its own series or a fraction of the processing price (payability).
PRICE_SERIES = {
    "lithium": (
        "lithium:carbonate_battery_grade",
        LCE_PER_LI,
        "Li carbonate battery grade (USGS/Benchmark), x 5.323 t LCE per t Li",
    ),
    "nickel": ("nickel:LME_cash", 1.0, "Nickel LME cash (USGS)"),
    "cobalt": ("cobalt:LME_cash", 1.0, "Cobalt LME cash (USGS, $/lb converted)"),
    "copper": ("copper:LME_grade_A_cash", 1.0, "Copper LME grade A cash (USGS)"),
    "aluminium": (
        "aluminium:LME",
        1.0,
        "Aluminium LME: 2025 Reuters poll 2,630; 2024 2,420 and "
        "2022 2,700 (ESTIMATE in data); 2023 midpoint of the 2,068-2,636 range",
    ),
    "rare_earths": (
        "rare_earths:NdPr_oxide_99pct",
        None,
        "NdPr oxide 99% FOB (USGS/Argus) x magnet basket factor (see RE_BASKET)",
    ),
    "gallium": ("gallium:US_import_unit_value_metal", 1.0, "Gallium US import unit value (USGS)"),
    "germanium": ("germanium:metal_99.999_Europe", 1.0, "Germanium 5N metal, Europe (USGS/Argus)"),
    "tungsten": (
        "tungsten:concentrate_Rotterdam_per_t_W",
        None,
        "Tungsten concentrate Rotterdam per t W (USGS/Argus) x APT/concentrate ratio",
    ),
    "antimony": ("antimony:metal_99.65_CIF", 1.0, "Antimony metal 99.65% CIF (USGS/Argus)"),
    "indium": ("indium:US_warehouse_99.99", 1.0, "Indium 4N US warehouse (USGS/Argus)"),
    "manganese": (
        "manganese:contained_Mn_in_ore",
        None,
        "Mn contained in 44% ore CIF China (USGS/CRU) x HPMSM/ore ratio",
    ),
    "graphite": (
        None,
        None,
        "Active anode material: Syrah AAM spot 5,471 (2021) and DFS price "
        "deck 5,000-7,000 (2023) [DATA_PRICES]; no annual series",
    ),
}
# Minerals under Chinese export licensing since 2023-25 (export_controls.csv): their ex-China
# prices are assumed to revert only half way to the 2021-25 mid-cycle in the base scenario.
CONTROLLED = {"gallium", "germanium", "antimony", "tungsten", "rare_earths", "indium"}

# Magnet-REE basket: weights of the IEA 2024 clean-tech demand mix (Nd 14.6 kt, Pr 2.32, Dy 1.53,
# Tb 0.43) priced at China-domestic Dy/Tb (base) or Europe May 2025 Dy/Tb (under a ban).
RE_WEIGHTS = {"NdPr": (14567.0 + 2322.5), "Dy": 1531.1, "Tb": 434.4}

# Mining-stage price as a fraction of the processing price where no own series exists.
PAYABILITY = {
    "lithium": (
        None,
        "derived: 2025 spodumene SC6 (avg USD 885/t at 2.79% Li) per t Li / 2025 "
        "Li carbonate (avg 9,800/t LCE) per t Li [DATA_PRICES]",
    ),
    "nickel": (
        0.60,
        "ESTIMATE: blend of sulphide-concentrate payables (~0.75), MHP (~0.8) and "
        "laterite ore (~0.3)",
    ),
    "cobalt": (0.70, "ESTIMATE: cobalt hydroxide payables 55-95% of metal, mid-cycle ~70%"),
    "copper": (
        0.91,
        "ESTIMATE: 96.5% payable less mid-cycle TC/RC (USD 80/t + 8 c/lb in 2024 = "
        "~USD 500/t Cu); the 2025-26 TC/RC of ~0 is not assumed to persist",
    ),
    "aluminium": (
        None,
        "derived: bauxite US import unit value USD 31.5/t (2024) x 4.5 t bauxite "
        "per t Al, relative to LME aluminium [DATA_PRICES]",
    ),
    "rare_earths": (
        0.45,
        "ESTIMATE: mixed REE concentrate is paid ~40-50% of the separated "
        "magnet-oxide value (Ce/La have little value)",
    ),
    "gallium": (0.20, "ESTIMATE: host-stream gallium has little market value before recovery"),
    "germanium": (0.20, "ESTIMATE: Ge-bearing residues and concentrates are paid ~20% of metal"),
    "antimony": (0.60, "ESTIMATE: antimony concentrate payables ~55-65% of metal"),
    "indium": (0.30, "ESTIMATE: indium-bearing residues are paid ~30% of refined indium"),
    "tungsten": (None, "own series: concentrate Rotterdam per t W [DATA_PRICES]"),
    "manganese": (None, "own series: contained Mn in 44% ore [DATA_PRICES]"),
    "graphite": (None, "own series: natural flake US import unit value [DATA_PRICES]"),
}
HPMSM_PRICE_2025 = 3100  # USD/t Mn: ~USD 1,000/t MnSO4.H2O x 1/0.325 (ESTIMATE, no series)
APT_OVER_CONC = 675 / 551  # end-2025 APT vs 65% concentrate, USD/mtu WO3 (USGS MCS 2026)
AAM_PRICES = {"2026": 5000, "mid": 5500, "low": 4000, "high": 7000}
BAN_MULTIPLIER = 2.5  # ex-China processing price in a ban period (ESTIMATE; see BAN)

# --- Unit costs (USD per t of the mineral's basis) ------------------------------------------------
# (mining member, mining China, processing member existing, processing China, processing new
# ex-China project, mining new project). Stage-2 costs are conversion costs (feed excluded).
COSTS = {
    "lithium": (
        3500 * LCE_PER_LI,
        10000 * LCE_PER_LI,
        1.3 * 2500 * LCE_PER_LI,
        2500 * LCE_PER_LI,
        4500 * LCE_PER_LI,
        3500 * LCE_PER_LI,
    ),
    "nickel": (8000, 9000, 3500, 2500, 6000, 8000),
    "cobalt": (10000, 12000, 2800, 2000, 3000, 10000),
    "manganese": (110 / 0.44, 130 / 0.44, 2500, 1900, 1200 / MN_IN_HPMSM, 110 / 0.44),
    "graphite": (550, 450, 3000, 1500, 3640, 550),
    "copper": (5000, 5500, 450, 450, 700, 5000),
    "aluminium": (20 * 4.5, 20 * 4.5, 2000, 1700, 2100 + 320 * 1.93, 20 * 4.5),
    "rare_earths": (18000, 14000, 35000, 20000, 42500, 18000),
    "gallium": (20000, 15000, 150000, 100000, 150000, 20000),
    "germanium": (100000, 80000, 500000, 300000, 500000, 100000),
    "tungsten": (15000, 12000, 5000, 3000, 8000, 15000),
    "antimony": (8000, 6000, 2500, 1500, 3000, 8000),
    "indium": (50000, 40000, 100000, 60000, 100000, 50000),
}
COST_SOURCE = {
    "lithium": "capex.csv: spodumene opex 3,500/t LCE, lepidolite >10,000, China converter 2,500, "
    "ex-China converter 4,500 (ESTIMATE in data); existing member converters 1.3x China "
    "(ESTIMATE); x 5.323 to t Li [DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "nickel": "ESTIMATE: conversion from ore/matte/MHP to refined nickel; new allied refinery "
    "6,000 (capex.csv OECD HPAL opex 10,000 includes leaching) [DATA_CAPEX]"
    "[BASE_CASE_ESTIMATE]",
    "cobalt": "capex.csv ex-China refinery opex 3,000 (ESTIMATE in data); others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "manganese": "capex.csv: Mn ore opex 110/t ore (44% Mn), HPMSM ex-China 1,200/t HPMSM "
    "(ESTIMATE in data), / 0.325 t Mn per t HPMSM [DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "graphite": "capex.csv: flake mine opex 550/t; Syrah Vidalia AAM opex 3,640/t (sourced); China "
    "and Japan conversion ESTIMATE [DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "copper": "capex.csv: China smelter opex ~450/t derived from 2024 TC/RC; OECD greenfield 700 "
    "(ESTIMATE in data); mine opex 5,000 (ESTIMATE in data) [DATA_CAPEX]",
    "aluminium": "capex.csv: bauxite opex 20/t x 4.5; OECD smelter 2,100 + alumina 320/t x 1.93 t "
    "per t Al for new plants (ESTIMATE in data); existing ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "rare_earths": "capex.csv: light SX ex-China opex 30,000/t NdPr, heavy 150,000/t Dy+Tb "
    "(ESTIMATE in data) blended with the basket weights = 42,500; others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "gallium": "capex.csv Ga recovery opex 150,000/t (ESTIMATE in data); others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "germanium": "capex.csv Ge recovery opex 500,000/t (ESTIMATE in data); others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "tungsten": "capex.csv APT ex-China opex 8,000/t W, mine 15,000 (ESTIMATE in data); others "
    "ESTIMATE [DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "antimony": "capex.csv Sb smelter ex-China opex 3,000 (ESTIMATE in data); others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
    "indium": "capex.csv In recovery opex 100,000 (ESTIMATE in data); others ESTIMATE "
    "[DATA_CAPEX][BASE_CASE_ESTIMATE]",
}

# --- Export shares of non-members (fraction of output the club can buy) ---------------------------
# China, processing: (China's share of world output - China's own end-use share) / China's share,
# with China's end-use share = 1 - club share - OTHER_NONCLUB_USE; at least 0.10 (China still
# exports some metal where it is a net importer). Mining: China consumes its own mine output.
CHINA_MINING_EXPORT = {"graphite": 0.15}
CHINA_MINING_EXPORT_DEFAULT = 0.05
EXPORT_SHARE = {"Russia": 0.3, "Indonesia": 0.7}
EXPORT_SHARE_DEFAULT = 0.8
EXPORT_SOURCE = {
    "China": "ESTIMATE: (China's share of world output in this period - China's end-use share) / "
    "China's share, China's end-use share = 1 - club share - 0.10, floor 0.10 "
    "[BASE_CASE_ESTIMATE]",
    "China_mining": "ESTIMATE: China consumes its own mine output (net importer of ores); "
    "~15% of natural graphite exported [BASE_CASE_ESTIMATE]",
    "Russia": "ESTIMATE: sanctions (US/UK LME ban Apr 2024, EU measures) limit what the club can "
    "buy [BASE_CASE_ESTIMATE]",
    "Indonesia": "ESTIMATE: much of Indonesia's nickel output is tied to Chinese-owned smelters' "
    "offtake [BASE_CASE_ESTIMATE]",
    "default": "ESTIMATE: most output is exported; China buys a part [BASE_CASE_ESTIMATE]",
}

# Supply scaling to world demand (see module docstring). Mining is scaled only where the mined
# material is the feed of the final product; not for graphite (synthetic route), manganese (ore
# feeds steel) and the by-products (feed is a host-metal stream).
SUPPLY_HEADROOM = 1.0  # world capacity at least equal to world demand after scaling (ESTIMATE)
# Not scaled up: sanctions keep the club from buying Russian growth (and make it unlikely).
SCALE_EXCLUDE = {"Russia"}
# Known capacity ceilings that scaling must respect.
SUPPLY_CEILING = {
    ("China", "aluminium", "processing"): (
        45e6,
        "China's ~45 Mt/yr primary aluminium capacity "
        "ceiling; USGS MCS 2026: capacity 44.6 Mt, output "
        "45.0 Mt in 2025 [USGS_MCS_2026]",
    ),
    ("China", "gallium", "processing"): (
        1600,
        "USGS MCS 2026: China primary gallium capacity 1,600 t in 2025 [USGS_MCS_2026]",
    ),
    ("China", "indium", "processing"): (
        1100,
        "USGS MCS 2026: China indium refinery capacity 1,100 t in 2025 [USGS_MCS_2026]",
    ),
}
SCALE_MINING = {
    "lithium",
    "nickel",
    "cobalt",
    "copper",
    "aluminium",
    "rare_earths",
    "tungsten",
    "antimony",
}

# --- Stockpiles -----------------------------------------------------------------------------------
STOCK_DAYS_INITIAL = {"copper": 2, "aluminium": 2, "graphite": 0}
STOCK_DAYS_INITIAL_DEFAULT = 6
STOCK_INITIAL_NOTE = {
    6: "Japan JOGMEC and Korea KOMIR hold ~42 days of their own use; Japan + Korea ~15% of club "
    "use",
    2: "Korea PPS holds ~50 days of Korean non-ferrous use",
    0: "no known public stock",
}
STOCK_MAX_DAYS = 90
HOLDING_RATE = 0.035  # of value per year: 5-8% (midpoint 6.5%) minus the 3% discount rate
CLIMATE_CONTROLLED = {"lithium", "gallium"}  # storage cost ~3x (IEA warehousing analysis)
HOLDING_RATE_CLIMATE = 0.07

# =================================================================================================
# Scenarios and disruptions
# =================================================================================================
SCENARIOS = [
    (
        "base",
        0.55,
        "Prices revert toward the 2021-25 mid-cycle (half way for minerals under "
        "Chinese export licensing); no new export bans.",
        "ESTIMATE: the most likely path, the complement of the three stress scenarios "
        "[BASE_CASE_ESTIMATE]",
    ),
    (
        "low_price",
        0.15,
        "Price crash from 2028: prices at the 2021-25 trough (the 2024-25 glut "
        "persists for lithium, nickel, cobalt; minor metals back to pre-control levels).",
        "ESTIMATE: lithium fell 86% from the 2022 peak and nickel/cobalt overcapacity persists "
        "(INSG 2024 surplus 182 kt); one in seven [DATA_PRICES][BASE_CASE_ESTIMATE]",
    ),
    (
        "high_price",
        0.10,
        "Tight markets from 2028: prices one coefficient of variation (2021-25) "
        "above the base path.",
        "ESTIMATE: a 2022-like boom is rarer than a glut [DATA_PRICES][BASE_CASE_ESTIMATE]",
    ),
    (
        "china_ban",
        0.20,
        "China bans exports of processed gallium, germanium, antimony and rare "
        "earths and most graphite, and halves tungsten and indium exports in 2028-29 (snap-back of "
        "the suspended 2024-25 controls, widened); Russia halves antimony exports; "
        "ex-China prices of "
        "the banned products spike.",
        "ESTIMATE: China imposed or tightened controls six times in 2023-25 and the Nov 2025 "
        "suspensions lapse in Nov 2026 [DATA_EXPORT_CONTROLS][BASE_CASE_ESTIMATE]",
    ),
]
BAN_SCENARIO = "china_ban"
BAN_YEARS = (2028, 2029)

# Project delay risk (SPEC §4.14): about 60% of critical-mineral projects were delayed before
# production. Delays ride on the existing scenarios (no extra scenarios, so the model does not
# grow): candidate projects due by 2028 slip two years (online 2030) in `base` and `low_price`
# (70% of the probability: first-of-a-kind ex-China plants rarely start on time; the 2023-25
# glut paused several, e.g. Albemarle's Kemerton train 3, 2024); the geothermal direct-lithium-
# extraction plant due 2030, unproven at scale, fails in `low_price` (a crash dries up
# financing). Candidates due 2030 are otherwise on time: any slip would push them into the
# 2035-39 period (five-year periods), which makes the hard 65% cap from 2030 unreachable in that
# scenario — the model's periods are too coarse for a two-year slip there. Projects stay on time
# in `high_price` (high prices pull projects forward) and `china_ban` (emergency permitting).
# Each delay is known when the project was due (known_year = first_year).
DELAY_YEARS = 2
DELAYED_EARLY = ("base", "low_price")  # scenarios delaying candidates due by 2028
FAILS = {
    ("low_price", "Vulcan Lionheart hydroxide"): "geothermal DLE not yet proven at commercial scale"
}
DELAY_SOURCE = (
    "ESTIMATE: about 60% of critical-mineral projects were delayed before production "
    "(SPEC §4.14; the study behind the figure is not in shared/data); which projects "
    "and scenarios are analyst judgement [PROJECT_DELAYS][BASE_CASE_ESTIMATE]"
)
# (country, mineral, stage, export_cut, source)
BAN = [
    (
        "China",
        "gallium",
        "processing",
        0.9,
        "MOFCOM/GAC No. 23 (Ga/Ge licensing, Aug 2023) and "
        "No. 46 (ban to the US, Dec 2024; suspended to 27 Nov 2026)",
    ),
    ("China", "germanium", "processing", 0.9, "MOFCOM/GAC No. 23 (Aug 2023) and No. 46 (Dec 2024)"),
    (
        "China",
        "antimony",
        "processing",
        0.9,
        "antimony licensing (15 Sep 2024) and No. 46 (Dec 2024)",
    ),
    ("China", "antimony", "mining", 0.9, "antimony ores covered by the 15 Sep 2024 licensing"),
    (
        "China",
        "rare_earths",
        "processing",
        0.9,
        "7 medium/heavy REE licensing (4 Apr 2025; Dy/Tb "
        "exports fell to zero in May 2025) and the Oct 2025 package (suspended to 10 Nov 2026)",
    ),
    (
        "China",
        "graphite",
        "processing",
        0.8,
        "graphite licensing (1 Dec 2023) and synthetic anode "
        "controls (Oct 2025, suspended to 10 Nov 2026)",
    ),
    ("China", "graphite", "mining", 0.8, "natural flake graphite licensing (1 Dec 2023)"),
    ("China", "tungsten", "processing", 0.5, "APT/oxide/carbide licensing (4 Feb 2025)"),
    ("China", "indium", "processing", 0.5, "indium licensing (4 Feb 2025)"),
    (
        "Russia",
        "antimony",
        "mining",
        0.5,
        "ESTIMATE: Russia aligns with China (Russia ~30% of antimony mine output, USGS MCS 2026)",
    ),
]

# =================================================================================================
# Candidate and committed projects (member countries)
# =================================================================================================
# Capital intensity per t/yr of the mineral's basis, from capex.csv (converted).
CAPEX = {
    ("lithium", "processing"): (
        25000 * LCE_PER_LI,
        "capex.csv ex-China converter 25,000 per t LCE/yr (ESTIMATE in data) x 5.323",
    ),
    ("lithium", "mining"): (
        4000 * LCE_PER_LI,
        "capex.csv spodumene mine + concentrator 4,000 per t LCE/yr x 5.323",
    ),
    ("nickel", "processing"): (
        50000,
        "capex.csv OECD HPAL/sulphate refinery 50,000 per t Ni/yr (ESTIMATE in data)",
    ),
    ("cobalt", "processing"): (25000, "capex.csv ex-China cobalt refinery 25,000 per t/yr"),
    ("cobalt", "mining"): (60000, "ESTIMATE: by-product cobalt mine ~60,000 per t Co/yr"),
    ("manganese", "processing"): (
        4000 / MN_IN_HPMSM,
        "capex.csv HPMSM 4,000 per t HPMSM/yr / 0.325",
    ),
    ("graphite", "processing"): (18578, "capex.csv Syrah Vidalia 18,578 per t AAM/yr"),
    ("graphite", "mining"): (2500, "capex.csv flake mine + concentrator 2,500 per t/yr"),
    ("copper", "processing"): (7000, "capex.csv OECD smelter + refinery 7,000 per t/yr"),
    ("aluminium", "processing"): (
        6000 + 1500 * 1.93,
        "capex.csv OECD smelter 6,000 + greenfield alumina 1,500 x 1.93 t per t Al",
    ),
    ("rare_earths", "processing"): (
        58900 + 50000,
        "capex.csv Lynas Kalgoorlie cracking 58,900 + light RE separation 50,000 per t NdPr/yr",
    ),
    ("rare_earths", "mining"): (
        50000,
        "ESTIMATE: REE mine + concentrator ~50,000 per t magnet REO/yr",
    ),
    ("gallium", "processing"): (1500000, "capex.csv Ga recovery 1.5M per t/yr"),
    ("germanium", "processing"): (2000000, "capex.csv Ge recovery 2.0M per t/yr"),
    ("germanium", "mining"): (500000, "ESTIMATE: Ge concentrate from tailings ~0.5M per t/yr"),
    ("indium", "processing"): (500000, "capex.csv In recovery 0.5M per t/yr"),
    ("tungsten", "processing"): (40000, "capex.csv APT plant 40,000 per t W/yr"),
    ("tungsten", "mining"): (60000, "capex.csv tungsten mine 60,000 per t W/yr"),
    ("antimony", "processing"): (15000, "capex.csv Sb smelter 15,000 per t/yr"),
    ("antimony", "mining"): (60000, "ESTIMATE: antimony(-gold) mine share ~60,000 per t Sb/yr"),
}
# project, country, mineral, stage, capacity_t, capex_musd (None = capacity x intensity),
# support_share, unit_cost (None = new-project cost of COSTS), first_year, lumpy, status,
# min_contracted_share, note
PROJECTS = [
    # lithium
    (
        "Thacker Pass phase 1 mine",
        "United States",
        "lithium",
        "mining",
        40000 / LCE_PER_LI,
        None,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.0,
        "Lithium Americas/GM, 40 ktpa LCE; DOE loan USD 2.26B, construction since 2025",
    ),
    (
        "Thacker Pass phase 1 plant",
        "United States",
        "lithium",
        "processing",
        40000 / LCE_PER_LI,
        None,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.0,
        "Lithium Americas/GM carbonate plant, 40 ktpa LCE",
    ),
    (
        "Kemerton trains 3-4",
        "Australia",
        "lithium",
        "processing",
        50000 * 0.1654,
        None,
        0.3,
        None,
        2030,
        True,
        "candidate",
        0.0,
        "Albemarle, 50 ktpa LiOH.H2O; expansion suspended 2024",
    ),
    (
        "Vulcan Lionheart hydroxide",
        "Germany",
        "lithium",
        "processing",
        24000 * 0.1654,
        None,
        0.4,
        None,
        2030,
        True,
        "candidate",
        0.0,
        "Vulcan Energy, 24 ktpa LiOH.H2O from geothermal brine",
    ),
    (
        "Allied lithium converter expansion (EU)",
        "Finland",
        "lithium",
        "processing",
        10000,
        None,
        0.35,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable converter capacity (e.g. Keliber Kokkola expansion)",
    ),
    (
        "Allied lithium converter expansion (North America)",
        "Canada",
        "lithium",
        "processing",
        10000,
        None,
        0.35,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable converter capacity",
    ),
    # nickel
    (
        "Allied class-1 nickel refinery (Canada)",
        "Canada",
        "nickel",
        "processing",
        30000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable sulphate/class-1 refinery",
    ),
    (
        "Harjavalta nickel expansion",
        "Finland",
        "nickel",
        "processing",
        20000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable expansion of the Finnish refinery",
    ),
    # cobalt
    (
        "Electra cobalt refinery",
        "Canada",
        "cobalt",
        "processing",
        6500,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Electra Battery Materials, Ontario, 6,500 t Co/yr sulphate",
    ),
    (
        "Allied cobalt refinery expansion (EU)",
        "Finland",
        "cobalt",
        "processing",
        10000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable (Kokkola-type) capacity",
    ),
    # manganese
    (
        "Element 25 Louisiana HPMSM",
        "United States",
        "manganese",
        "processing",
        65000 * MN_IN_HPMSM,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Element 25, 65 ktpa HPMSM; DOE grant USD 166M",
    ),
    (
        "Chvaletice high-purity manganese",
        "Czech Republic",
        "manganese",
        "processing",
        20000,
        None,
        0.4,
        None,
        2030,
        True,
        "candidate",
        0.0,
        "Euro Manganese, tailings to high-purity Mn; EU strategic project",
    ),
    (
        "Allied HPMSM capacity (Japan/Korea)",
        "Japan",
        "manganese",
        "processing",
        80000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable HPMSM capacity",
    ),
    (
        "Allied HPMSM capacity (EU)",
        "Belgium",
        "manganese",
        "processing",
        60000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable HPMSM capacity",
    ),
    # graphite
    (
        "Vidalia expansion to 45 ktpa",
        "United States",
        "graphite",
        "processing",
        33750,
        539,
        0.4,
        2704,
        2028,
        True,
        "candidate",
        0.3,
        "Syrah Resources; USD 539M incl. contingency, opex "
        "2,704/t "
        "(capex.csv, sourced); Tesla offtake for the first phase",
    ),
    (
        "Riverside synthetic anode",
        "United States",
        "graphite",
        "processing",
        20000,
        20000 * 12000 / 1e6,
        0.4,
        4500,
        2028,
        True,
        "candidate",
        0.0,
        "Novonix, Chattanooga; capex.csv synthetic "
        "anode 12,000 per t/yr and opex 4,500 (ESTIMATE in data)",
    ),
    (
        "Talga Lulea anode",
        "Sweden",
        "graphite",
        "processing",
        19500,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Talga, 19.5 ktpa natural AAM; EU strategic project",
    ),
    (
        "Talga Vittangi mine",
        "Sweden",
        "graphite",
        "mining",
        24000,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Talga, graphite concentrate for Lulea",
    ),
    (
        "Vianode anode plant (Canada)",
        "Canada",
        "graphite",
        "processing",
        30000,
        30000 * 12000 / 1e6,
        0.35,
        4500,
        2030,
        True,
        "candidate",
        0.0,
        "Vianode synthetic anode, GM offtake 2025; capex.csv synthetic intensity",
    ),
    (
        "Allied anode capacity (Japan/Korea)",
        "Republic of Korea",
        "graphite",
        "processing",
        200000,
        None,
        0.3,
        3640,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable AAM capacity (e.g. POSCO Future M)",
    ),
    (
        "Allied anode capacity (EU)",
        "Germany",
        "graphite",
        "processing",
        80000,
        None,
        0.3,
        3640,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable AAM capacity",
    ),
    (
        "Allied flake graphite mines (Canada)",
        "Canada",
        "graphite",
        "mining",
        60000,
        None,
        0.3,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable flake concentrate (Quebec/Ontario)",
    ),
    # copper and aluminium
    (
        "New US aluminium smelter",
        "United States",
        "aluminium",
        "processing",
        750000,
        None,
        0.2,
        None,
        2030,
        True,
        "candidate",
        0.0,
        "Century Aluminum, first new US smelter in 45 years; DOE up to USD 500M (fastmarkets.com)",
    ),
    # rare earths
    (
        "MP Materials 10X separation",
        "United States",
        "rare_earths",
        "processing",
        5000,
        None,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.3,
        "MP Materials/DoD (Jul 2025): NdPr floor USD 110/kg for 10 years and magnet offtake",
    ),
    (
        "Lynas Malaysia expansion",
        "Malaysia",
        "rare_earths",
        "processing",
        6000,
        None,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.0,
        "Lynas 2025 plan: ~10.5-12 ktpa NdPr incl. Kalgoorlie feed",
    ),
    (
        "Eneabba rare-earth refinery",
        "Australia",
        "rare_earths",
        "processing",
        4500,
        None,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.0,
        "Iluka, A$1.65B government loan; ~5.5 ktpa REO incl. Dy/Tb",
    ),
    (
        "Lynas Texas separation",
        "United States",
        "rare_earths",
        "processing",
        1500,
        180,
        0.5,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Lynas Seadrift light (~USD 60M, 1,250 t NdPr) and heavy (USD 120M DoD) plants (capex.csv)",
    ),
    (
        "White Mesa rare-earth separation",
        "United States",
        "rare_earths",
        "processing",
        2000,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Energy Fuels, Utah, phase 2 NdPr",
    ),
    (
        "Nolans rare-earth refinery",
        "Australia",
        "rare_earths",
        "processing",
        4400,
        None,
        0.4,
        None,
        2030,
        True,
        "candidate",
        0.0,
        "Arafura, 4,440 t NdPr oxide/yr",
    ),
    (
        "Allied magnet-REE separation (EU/Japan)",
        "France",
        "rare_earths",
        "processing",
        5000,
        None,
        0.4,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable (e.g. Solvay La Rochelle)",
    ),
    # gallium
    (
        "Wagerup gallium recovery",
        "Australia",
        "gallium",
        "processing",
        100,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.3,
        "Alcoa-Sojitz-JOGMEC, ~100 t/yr announced 2025 (Japan offtake)",
    ),
    (
        "Saguenay gallium scale-up",
        "Canada",
        "gallium",
        "processing",
        40,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Rio Tinto/Indium Corp. Vaudreuil demo (3.75 t) scaled to ~40 t",
    ),
    (
        "Pavlodar gallium restart",
        "Kazakhstan",
        "gallium",
        "processing",
        20,
        10,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "idle capacity (USGS MCS 2026: ~100 t idle in DE, HU, KZ, KR, UA); restart capex ESTIMATE",
    ),
    (
        "Stade gallium restart",
        "Germany",
        "gallium",
        "processing",
        20,
        10,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "idle capacity (USGS MCS 2026); restart capex ESTIMATE",
    ),
    (
        "Allied gallium recovery (US/Japan/Korea)",
        "United States",
        "gallium",
        "processing",
        120,
        None,
        0.4,
        None,
        2030,
        False,
        "candidate",
        0.0,
        "generic scalable (e.g. Gramercy alumina "
        "refinery, DoW DPA Ga/Sc award Nov 2025; Korea Zinc)",
    ),
    # germanium
    (
        "Trail germanium expansion",
        "Canada",
        "germanium",
        "processing",
        10,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Teck Trail zinc residues",
    ),
    (
        "Olen germanium expansion",
        "Belgium",
        "germanium",
        "processing",
        10,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Umicore, incl. DRC Big Hill feed",
    ),
    # tungsten
    (
        "Sangdong tungsten mine",
        "Republic of Korea",
        "tungsten",
        "mining",
        2300,
        None,
        0.0,
        None,
        2026,
        True,
        "committed",
        0.0,
        "Almonty, commissioning 2025-26",
    ),
    (
        "Sangdong APT plant",
        "Republic of Korea",
        "tungsten",
        "processing",
        2000,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "Almonty downstream oxide/APT plant",
    ),
    (
        "Allied APT capacity (US/EU)",
        "United States",
        "tungsten",
        "processing",
        5000,
        None,
        0.4,
        None,
        2028,
        False,
        "candidate",
        0.0,
        "generic scalable APT (e.g. GTP Towanda, WBH Austria)",
    ),
    # antimony
    (
        "Stibnite antimony-gold mine",
        "United States",
        "antimony",
        "mining",
        3500,
        220,
        0.0,
        None,
        2028,
        True,
        "committed",
        0.0,
        "Perpetua, groundbreaking Oct 2025, DoW USD 80M (USGS MCS "
        "2026); antimony share of capex ESTIMATE",
    ),
    (
        "Thompson Falls smelter expansion",
        "United States",
        "antimony",
        "processing",
        3000,
        None,
        0.4,
        None,
        2028,
        True,
        "candidate",
        0.0,
        "US Antimony Corp., Montana (US smelter output 700 t 2025e)",
    ),
    (
        "Allied antimony smelter (Australia)",
        "Australia",
        "antimony",
        "processing",
        5000,
        None,
        0.4,
        None,
        2028,
        False,
        "candidate",
        0.0,
        "generic scalable (Hillgrove/Costerfield feed)",
    ),
    # indium
    (
        "Onsan indium debottleneck",
        "Republic of Korea",
        "indium",
        "processing",
        100,
        None,
        0.3,
        None,
        2028,
        False,
        "candidate",
        0.0,
        "Korea Zinc; USGS 2025 capacity 310 t vs output 180 t",
    ),
]

# Member growth that the IEA 2030 base case already expects (operating plants ramping up and
# projects under construction), for member/mineral pairs without a named project above: recorded
# as committed projects so that members' existing Capacity rows can stay at observed output.
IEA_GROWTH = [
    ("Argentina", "lithium"),
    ("Australia", "lithium"),
    ("Finland", "nickel"),
    ("Japan", "graphite"),
    ("Germany", "graphite"),
    ("India", "copper"),
]

# =================================================================================================
# Helpers: loading and interpolation
# =================================================================================================


def load_production(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path)
    df["tonnes"] = pd.to_numeric(df["tonnes"], errors="coerce")
    df["country"] = df["country"].map(lambda c: NAME_MAP.get(c, c))
    return df


def interp(points: dict[float, float], x: float) -> float:
    """Linear interpolation (flat beyond the ends) of {year: value} at x."""
    xs = sorted(points)
    if x <= xs[0]:
        return points[xs[0]]
    if x >= xs[-1]:
        return points[xs[-1]]
    for a, b in zip(xs, xs[1:], strict=False):
        if a <= x <= b:
            return points[a] + (points[b] - points[a]) * (x - a) / (b - a)
    raise AssertionError


def short(text: str, n: int = 140) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def sig(x: float, digits: int = 4) -> float:
    """Round to a few significant figures (the data are not more precise)."""
    if x == 0 or x is None or math.isnan(x):
        return 0.0
    return round(x, -int(math.floor(math.log10(abs(x)))) + digits - 1)


def ceil_sig(x: float, digits: int = 3) -> float:
    """Round up to a few significant figures."""
    step = 10 ** (int(math.floor(math.log10(abs(x)))) - digits + 1)
    return math.ceil(x / step) * step


class Data:
    """The shared CSVs, loaded once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.mine = load_production(folder / "mine_production.csv")
        self.refining = load_production(folder / "refining_production.csv")
        self.prices = pd.read_csv(folder / "prices.csv")
        self.demand = pd.read_csv(folder / "demand.csv")
        self.attendees = pd.read_csv(folder / "ministerial_attendees.csv")

    def series(self, table: pd.DataFrame, mineral: str, year: int) -> dict[str, float]:
        rows = table[(table.mineral == mineral) & (table.year == year)]
        out: dict[str, float] = defaultdict(float)
        for r in rows.itertuples():
            if r.country != "World" and not pd.isna(r.tonnes):
                out[r.country] += float(r.tonnes)
        return dict(out)

    def share(self, table: pd.DataFrame, mineral: str, year: int, country: str) -> float:
        rows = table[(table.mineral == mineral) & (table.year == year) & (table.country == country)]
        return float(rows["share"].iloc[0])

    def world(self, table: pd.DataFrame, mineral: str, year: int) -> float:
        rows = table[(table.mineral == mineral) & (table.year == year) & (table.country == "World")]
        return float(rows["tonnes"].iloc[0])

    def price(self, series: str) -> dict[int, float]:
        rows = self.prices[self.prices.mineral == series]
        return {int(r.year): float(r.usd_per_t) for r in rows.itertuples()}


# =================================================================================================
# Supply: existing capacity per (country, mineral, stage, year)
# =================================================================================================
# Text for the source column of Capacity rows.
SRC_USGS_MINE = (
    "USGS MCS 2026 {chapter} chapter, World Mine Production table, {year} [USGS_MCS_2026]"
)
SRC_USGS_REF = "USGS MCS 2026 {chapter} chapter, {table}, {year} [USGS_MCS_2026]"
SRC_IEA = "IEA CMDE 2025, Total supply > Refining, {what}, {year} {kind} [IEA_CMDE_2025]"


def raw_supply(data: Data) -> dict:
    """{(mineral, stage): {year: {country: (tonnes, source)}}} before membership rules."""
    out: dict = {}

    def usgs_mine(mineral, csv_name, chapter, factor=1.0, note=""):
        rows = {}
        year = 2025 if data.series(data.mine, csv_name, 2025) else 2024
        for c, t in data.series(data.mine, csv_name, year).items():
            src = SRC_USGS_MINE.format(chapter=chapter, year=f"{year}{'e' if year == 2025 else ''}")
            rows[c] = (t * factor, src + note)
        return {2026: rows}

    # lithium
    out["lithium", "mining"] = usgs_mine(
        "lithium", "lithium", "Lithium", note="; US withheld: ESTIMATE 900 t Li (Silver Peak) added"
    )
    out["lithium", "mining"][2026]["United States"] = (
        900.0,
        "ESTIMATE: USGS withholds US output; Silver Peak ~5 kt LCE [BASE_CASE_ESTIMATE]",
    )
    out["lithium", "processing"] = iea_refining(data, "lithium_chemicals", "lithium chemicals")
    # nickel
    out["nickel", "mining"] = usgs_mine("nickel", "nickel", "Nickel")
    out["nickel", "processing"] = iea_refining(data, "nickel_refined", "refined nickel")
    # cobalt
    out["cobalt", "mining"] = usgs_mine("cobalt", "cobalt", "Cobalt")
    out["cobalt", "processing"] = iea_refining(data, "cobalt_refined", "refined cobalt")
    # manganese: ore (Mn content); HPMSM from shares x world estimate
    out["manganese", "mining"] = usgs_mine("manganese", "manganese", "Manganese")
    world_hpmsm = data.world(data.refining, "manganese_HPMSM_battery_grade", 2024) * MN_IN_HPMSM
    china = data.share(data.refining, "manganese_HPMSM_battery_grade", 2022, "China")
    japan = data.share(data.refining, "manganese_HPMSM_battery_grade", 2022, "Japan")
    src = (
        "Stratas Advisors 2023 shares (China {:.0%}, Japan {:.0%}) x ESTIMATE world HPMSM "
        "~450 kt (2024) x 0.325 t Mn/t [STRATAS_2023][BASE_CASE_ESTIMATE]"
    )
    out["manganese", "processing"] = {
        2026: {
            "China": (world_hpmsm * china, src.format(china, japan)),
            "Japan": (world_hpmsm * japan, src.format(china, japan)),
            ROW: (world_hpmsm * (1 - china - japan), src.format(china, japan)),
        }
    }
    # graphite: flake mine output plus ESTIMATE anode-grade coke available in members
    out["graphite", "mining"] = usgs_mine("graphite", "graphite_natural", "Graphite (natural)")
    for c, t in {
        "United States": 150000,
        "Japan": 150000,
        "Republic of Korea": 50000,
        "United Kingdom": 50000,
    }.items():
        prev = out["graphite", "mining"][2026].get(c, (0.0, ""))[0]
        out["graphite", "mining"][2026][c] = (
            prev + t,
            f"USGS MCS 2026 natural graphite {prev:,.0f} t plus ESTIMATE {t:,} t "
            "anode-grade needle/calcined coke available for graphitisation (US: Phillips 66, "
            "Seadrift; Japan: Mitsubishi Chemical, Nippon Steel Chemical; Korea: POSCO MC; UK: "
            "Humber) [USGS_MCS_2026][BASE_CASE_ESTIMATE]",
        )
    out["graphite", "processing"] = iea_refining(
        data, "graphite_battery_grade_anode", "battery-grade graphite"
    )
    # copper: IEA mine; USGS refinery 2025 for 2026, IEA 2030/2035 for the countries it lists
    out["copper", "mining"] = {
        2026: {
            c: (t, "IEA CMDE 2025, Total supply > Mining, copper, 2024 observed [IEA_CMDE_2025]")
            for c, t in data.series(data.mine, "copper", 2024).items()
        }
    }
    usgs = {
        c: (
            t,
            SRC_USGS_REF.format(chapter="Copper", table="World Refinery Production", year="2025e"),
        )
        for c, t in data.series(data.refining, "copper_refined_USGS", 2025).items()
    }
    iea = iea_refining(data, "copper_refined", "refined copper")
    # The IEA's copper 'Rest of world' includes members that USGS lists by name: grow the USGS
    # 'Other countries' with the IEA rest-of-world growth instead of replacing it.
    for y in (2030, 2035):
        k = iea[y][ROW][0] / iea[2026][ROW][0]
        iea[y][ROW] = (
            usgs[ROW][0] * k,
            f"USGS 2025e other countries x IEA rest-of-world growth "
            f"2024->{y} ({k:.3f}) [USGS_MCS_2026][IEA_CMDE_2025]",
        )
    out["copper", "processing"] = {2026: usgs, 2030: iea[2030], 2035: iea[2035]}
    # aluminium: bauxite 2024 in Al-equivalent; USGS smelter 2025
    out["aluminium", "mining"] = {
        2026: {
            c: (
                t / 4.5,
                "USGS MCS 2025 bauxite 2024 (secondary) / 4.5 t bauxite per t Al "
                "(ESTIMATE conversion) [USGS_MCS_2025_SEC][BASE_CASE_ESTIMATE]",
            )
            for c, t in data.series(data.mine, "bauxite", 2024).items()
        }
    }
    world = data.world(data.mine, "bauxite", 2024)
    out["aluminium", "mining"][2026][ROW] = (
        (world - sum(data.series(data.mine, "bauxite", 2024).values())) / 4.5,
        "World bauxite ~450 Mt 2024 (ESTIMATE in data) minus listed producers, / 4.5 "
        "[USGS_MCS_2025_SEC][BASE_CASE_ESTIMATE]",
    )
    out["aluminium", "processing"] = {
        2026: {
            c: (
                t,
                SRC_USGS_REF.format(
                    chapter="Aluminum", table="World Smelter Production", year="2025e"
                ),
            )
            for c, t in data.series(data.refining, "aluminium_primary", 2025).items()
        }
    }
    # rare earths: mined REO x magnet share; IEA magnet-REE refining
    out["rare_earths", "mining"] = usgs_mine(
        "rare_earths",
        "rare_earths_REO",
        "Rare Earths",
        factor=RE_MAGNET_SHARE,
        note=f"; REO x {RE_MAGNET_SHARE} magnet-REE share (ESTIMATE, calibrated so that world "
        "mined content x yield ~ IEA world magnet-REE refining 2024) [BASE_CASE_ESTIMATE]",
    )
    out["rare_earths", "processing"] = iea_refining(
        data, "rare_earths_magnet_REE_refined", "magnet rare earths"
    )
    # gallium: stage 1 = recoverable Ga in Bayer liquor at 19 g per t alumina (China's USGS 2025
    # primary capacity 1,600 t / China alumina 84 Mt); stage 2 = USGS primary low-purity output
    g_per_t = 1600 / 84e6
    ga_src = (
        "recoverable Ga potential = alumina output x 19 g/t (derived: USGS 2025 China "
        "primary capacity 1,600 t / China alumina 84 Mt) [USGS_MCS_2026][USGS_MCS_2025_SEC]"
    )
    ga1 = {c: (t * g_per_t, ga_src) for c, t in data.series(data.refining, "alumina", 2024).items()}
    for c, alumina in {
        "Canada": 1.5e6,
        "United States": 1.2e6,
        "Germany": 1.0e6,
        "Kazakhstan": 1.5e6,
        "Ireland": 1.9e6,
        "Spain": 1.5e6,
    }.items():
        ga1[c] = (
            alumina * g_per_t,
            ga_src.replace("alumina output", f"ESTIMATE alumina output {alumina / 1e6:.1f} Mt"),
        )
    ga1["Republic of Korea"] = (
        20.0,
        "ESTIMATE: Ga in zinc residues at Korea Zinc (USGS: idle Ga "
        "capacity in Korea) [BASE_CASE_ESTIMATE]",
    )
    ga1["Japan"] = (
        10.0,
        "ESTIMATE: Ga in zinc residues (Dowa), USGS capacity 10 t "
        "[USGS_MCS_2026][BASE_CASE_ESTIMATE]",
    )
    ga1["Russia"] = (10.0, "ESTIMATE: USGS 2025 capacity 10 t [USGS_MCS_2026]")
    out["gallium", "mining"] = {2026: ga1}
    out["gallium", "processing"] = {
        2026: {
            c: (
                t,
                SRC_USGS_REF.format(
                    chapter="Gallium", table="World Low-Purity Production", year="2025e"
                ),
            )
            for c, t in data.series(data.refining, "gallium_primary_low_purity", 2025).items()
            if t > 0
        }
    }
    # germanium: China 100 of ~150 t (ESTIMATE in data); the other 50 t split ESTIMATE
    ge_src = (
        "ESTIMATE: China ~100 t of ~150 t world refined Ge (data ESTIMATE); remaining ~50 t "
        "split by analyst judgement [BASE_CASE_ESTIMATE]"
    )
    ge2 = {
        "China": 100.0,
        "Belgium": 15.0,
        "Canada": 10.0,
        "Russia": 8.0,
        "Germany": 5.0,
        "United States": 5.0,
        "Japan": 3.0,
        ROW: 4.0,
    }
    out["germanium", "processing"] = {2026: {c: (t, ge_src) for c, t in ge2.items()}}
    ge1 = {
        c: (
            t / MINERALS["germanium"]["yield_"],
            "ESTIMATE: residue feed of each refiner = output / yield [BASE_CASE_ESTIMATE]",
        )
        for c, t in ge2.items()
    }
    ge1["Democratic Republic of the Congo"] = (
        20.0,
        "ESTIMATE: Big Hill tailings Ge concentrate "
        "(Gecamines/STL, since 2024) [BASE_CASE_ESTIMATE]",
    )
    out["germanium", "mining"] = {2026: ge1}
    # tungsten: mine USGS; APT China ~82% (data ESTIMATE), rest split ESTIMATE
    out["tungsten", "mining"] = usgs_mine("tungsten", "tungsten", "Tungsten")
    w_world = data.world(data.mine, "tungsten", 2025) * MINERALS["tungsten"]["yield_"]
    w_src = (
        "ESTIMATE: world APT ~ world mine output 2025e x 0.95; China share 0.82 (data "
        "ESTIMATE); other shares analyst judgement (Vietnam Masan in Rest of world) "
        "[USGS_MCS_2026][BASE_CASE_ESTIMATE]"
    )
    w_shares = {
        "China": 0.82,
        "Austria": 0.03,
        "Germany": 0.02,
        "United States": 0.02,
        "Japan": 0.02,
        "Russia": 0.02,
        ROW: 0.07,
    }
    out["tungsten", "processing"] = {2026: {c: (w_world * s, w_src) for c, s in w_shares.items()}}
    # antimony: mine USGS; metal/oxide China ~70% (data ESTIMATE), US 700 t (USGS), rest ESTIMATE
    out["antimony", "mining"] = usgs_mine("antimony", "antimony", "Antimony")
    sb_world = data.world(data.mine, "antimony", 2025) * MINERALS["antimony"]["yield_"]
    sb_src = (
        "ESTIMATE: world metal/oxide ~ world mine output 2025e x 0.95; China share 0.70 "
        "(data "
        "ESTIMATE); other shares analyst judgement [USGS_MCS_2026][BASE_CASE_ESTIMATE]"
    )
    sb = {
        "China": 0.70 * sb_world,
        "Tajikistan": 0.05 * sb_world,
        "Russia": 0.04 * sb_world,
        "Oman": 2000.0,
        "Bolivia": 1500.0,
        "Mexico": 500.0,
    }
    sb["United States"] = 700.0
    sb[ROW] = sb_world - sum(sb.values())
    out["antimony", "processing"] = {
        2026: {
            c: (
                t,
                "USGS MCS 2026 antimony: US primary smelter output 700 t (2025e) [USGS_MCS_2026]"
                if c == "United States"
                else sb_src,
            )
            for c, t in sb.items()
        }
    }
    # indium: USGS refinery 2025; stage 1 = feed of each refiner
    in2 = data.series(data.refining, "indium_refined", 2025)
    out["indium", "processing"] = {
        2026: {
            c: (
                t,
                SRC_USGS_REF.format(
                    chapter="Indium", table="World Refinery Production", year="2025e"
                ),
            )
            for c, t in in2.items()
        }
    }
    out["indium", "mining"] = {
        2026: {
            c: (
                t / MINERALS["indium"]["yield_"],
                "ESTIMATE: residue "
                "feed of each refiner = output / yield (USGS 2025e "
                "output) [USGS_MCS_2026][BASE_CASE_ESTIMATE]",
            )
            for c, t in in2.items()
        }
    }
    return out


RE_MAGNET_SHARE = 0.22


def iea_refining(data: Data, csv_name: str, what: str) -> dict:
    out = {}
    for year, kind in ((2024, "observed"), (2030, "base case"), (2035, "base case")):
        target = 2026 if year == 2024 else year
        out[target] = {
            c: (t, SRC_IEA.format(what=what, year=year, kind=kind))
            for c, t in data.series(data.refining, csv_name, year).items()
        }
    return out


# =================================================================================================
# Demand
# =================================================================================================


def world_demand(data: Data, mineral: str) -> tuple[dict[float, float], str]:
    name, first, later = MINERALS[mineral]["demand"]
    rows = data.demand[data.demand.mineral == name]
    points = {}
    for r in rows.itertuples():
        if r.scenario in (first, later):
            points[float(r.year)] = float(r.tonnes)
    if later == "estimate_baseline":
        src = (
            "demand.csv estimate_baseline (ESTIMATE, UNVERIFIED in data: 2025 USGS output grown "
            "at an assumed rate)"
        )
    else:
        src = f"IEA CMDE 2025 {name} {later} ({first} 2024) [IEA_CMDE_2025]"
    return points, src


# =================================================================================================
# Build all tables
# =================================================================================================


class Builder:
    def __init__(self, data: Data):
        self.data = data
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.members = self.member_list()
        self.supply = raw_supply(data)
        self.nonmembers = self.nonmember_list()
        self.world_d = {m: world_demand(data, m) for m in MINERALS}
        self.prices = {m: self.price_paths(m) for m in MINERALS}
        self.capacity = self.build_capacity_table()
        self.china_export = {
            (m, y): self.china_export_share(m, y) for m in MINERALS for y, _d in PERIODS
        }
        self.projects = PROJECTS + self.iea_growth_projects()

    # --- countries --------------------------------------------------------------------------
    def member_list(self) -> list[str]:
        att = self.data.attendees
        names = [p for p, t in zip(att.participant, att.type, strict=True) if t != "supranational"]
        assert len(names) == 55, len(names)  # 54 attendees + the US host
        members = list(dict.fromkeys(names + EU27))
        return members

    def nonmember_list(self) -> list[str]:
        """Non-members with >= OWN_ROW_SHARE of world output at some stage; the rest -> RoW."""
        named = set()
        for (_m, _s), years in self.supply.items():
            rows = years[2026]
            total = sum(t for t, _ in rows.values())
            for c, (t, _) in rows.items():
                if c not in self.members and c != ROW and total > 0 and t / total >= OWN_ROW_SHARE:
                    named.add(c)
        return sorted(named) + [ROW]

    def country_of(self, c: str) -> str:
        return c if c in self.members or c in self.nonmembers else ROW

    # --- prices -------------------------------------------------------------------------------
    def annual_series(self, mineral: str) -> tuple[dict[int, float], dict[int, float] | None]:
        """Processing and (own) mining annual price series 2021-2025, USD per t basis."""
        d = self.data
        if mineral == "graphite":
            return None, d.price("graphite:natural_flake_US_import_unit_value")
        name, factor, _ = PRICE_SERIES[mineral]
        if mineral == "aluminium":
            lme = {2022: 2700.0, 2023: (2068.5 + 2636.0) / 2, 2024: 2420.0, 2025: 2630.0}
            return lme, None
        raw = d.price(name)
        if mineral == "rare_earths":
            return {y: v * self.re_basket()[0] for y, v in raw.items()}, None
        if mineral == "tungsten":
            return {y: v * APT_OVER_CONC for y, v in raw.items()}, raw
        if mineral == "manganese":
            ratio = HPMSM_PRICE_2025 / raw[2025]
            return {y: v * ratio for y, v in raw.items()}, raw
        return {y: v * factor for y, v in raw.items()}, None

    def re_basket(self) -> tuple[float, float]:
        """(base basket / NdPr, ban basket / NdPr): China-domestic vs Europe-May-2025 Dy/Tb."""
        d = self.data
        w = RE_WEIGHTS
        tot = sum(w.values())
        ndpr24 = d.price("rare_earths:NdPr_oxide_99pct")[2024]
        ndpr25 = d.price("rare_earths:NdPr_oxide_99pct")[2025]
        dy_cn = d.price("rare_earths:Dy_oxide_China_domestic")[2024]
        tb_cn = d.price("rare_earths:Tb_oxide_China_domestic")[2024]
        dy_eu = d.price("rare_earths:Dy_oxide_99.5pct_Europe_6May2025")[2025]
        tb_eu = d.price("rare_earths:Tb_oxide_99.99pct_Europe_6May2025")[2025]
        base = (w["NdPr"] * ndpr24 + w["Dy"] * dy_cn + w["Tb"] * tb_cn) / tot / ndpr24
        ban = (w["NdPr"] * ndpr25 + w["Dy"] * dy_eu + w["Tb"] * tb_eu) / tot / ndpr25
        return base, ban

    @staticmethod
    def path(series: dict[int, float], controlled: bool) -> dict[str, float]:
        vals = [series[y] for y in sorted(series)]
        recent = (series[2024] + series[2025]) / 2
        geo = math.exp(sum(math.log(v) for v in vals) / len(vals))
        mean = sum(vals) / len(vals)
        cv = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals)) / mean
        mid = (recent + geo) / 2 if controlled else geo
        return {
            "2026": recent,
            "mid": mid,
            "low": min(min(vals), mid),
            "high": mid * (1 + cv),
            "cv": cv,
            "min": min(vals),
        }

    def price_paths(self, mineral: str) -> dict:
        proc, mine = self.annual_series(mineral)
        ctrl = mineral in CONTROLLED
        p2 = dict(AAM_PRICES) if mineral == "graphite" else self.path(proc, ctrl)
        if mine is not None:
            p1 = self.path(mine, ctrl)
        else:
            frac = self.payability(mineral)
            p1 = {k: v * frac for k, v in p2.items() if k not in ("cv", "min")}
        return {"processing": p2, "mining": p1}

    def payability(self, mineral: str) -> float:
        frac, _ = PAYABILITY[mineral]
        if mineral == "lithium":
            d = self.data
            sc6 = (
                d.price("lithium:spodumene_SC6_Australia_FOB_Jan2025")[2025]
                + d.price("lithium:spodumene_SC6_Australia_FOB_Nov2025")[2025]
            ) / 2
            lce = (
                d.price("lithium:carbonate_China_CIF_spot_Jan2025")[2025]
                + d.price("lithium:carbonate_China_CIF_spot_Nov2025")[2025]
            ) / 2
            li_in_sc6 = 0.06 * 2 * 6.941 / 29.881
            return (sc6 / li_in_sc6) / (lce * LCE_PER_LI)
        if mineral == "aluminium":
            bauxite = self.data.price("bauxite:US_import_unit_value")[2024]
            return bauxite * 4.5 / self.annual_series("aluminium")[0][2024]
        return frac

    def price(self, mineral: str, stage: str, year: int, scenario: str) -> float:
        """The price the workbook gives (used for diagnostics and derived levels)."""
        p = self.prices[mineral][stage]
        if year == 2026:
            return p["2026"]
        if scenario == "low_price":
            return p["low"]
        if scenario == "high_price":
            return p["high"]
        if (
            scenario == BAN_SCENARIO
            and year == 2028
            and stage == "processing"
            and mineral in self.banned_minerals()
        ):
            return p["mid"] * self.ban_multiplier(mineral)
        return p["mid"]

    def banned_minerals(self) -> set[str]:
        return {m for c, m, s, cut, _ in BAN if c == "China" and s == "processing" and cut >= 0.8}

    def ban_multiplier(self, mineral: str) -> float:
        if mineral == "rare_earths":
            base, ban = self.re_basket()
            return ban / base
        return BAN_MULTIPLIER

    # --- export shares ------------------------------------------------------------------------
    def china_export_share(self, mineral: str, year: int) -> float:
        rows = self.capacity[mineral, "processing"][year]
        total = sum(t for t, _ in rows.values())
        s = rows["China"][0] / total
        e = 1 - MINERALS[mineral]["club_share"] - OTHER_NONCLUB_USE
        return round(max(0.10, (s - e) / s), 2)

    def export_share(self, country: str, mineral: str, stage: str, year: int) -> tuple[float, str]:
        if country in self.members:
            return 1.0, ""
        if country == "China":
            if stage == "mining":
                return (
                    CHINA_MINING_EXPORT.get(mineral, CHINA_MINING_EXPORT_DEFAULT),
                    EXPORT_SOURCE["China_mining"],
                )
            return self.china_export[mineral, year], EXPORT_SOURCE["China"]
        if country in EXPORT_SHARE:
            return EXPORT_SHARE[country], EXPORT_SOURCE[country]
        return EXPORT_SHARE_DEFAULT, EXPORT_SOURCE["default"]

    # --- capacity -----------------------------------------------------------------------------
    def world_need(self, mineral: str, stage: str, year: int) -> float:
        points, _ = self.world_d[mineral]
        w = interp(points, MID_YEAR[year])
        return w if stage == "processing" else w / MINERALS[mineral]["yield_"]

    def build_capacity_table(self) -> dict:
        """{(mineral, stage): {year: {country: (t, source)}}} after membership and scaling."""
        table = {}
        for (mineral, stage), raw in self.supply.items():
            # aggregate to model countries
            agg: dict[int, dict[str, list]] = {}
            for year, rows in raw.items():
                a: dict[str, list] = {}
                for c, (t, src) in rows.items():
                    k = self.country_of(c)
                    if k in a:
                        a[k][0] += t
                        if c not in a[k][2]:
                            a[k][2].append(c)
                    else:
                        a[k] = [t, src, [c]]
                agg[year] = a
            base = agg[2026]
            years = {}
            for y, _d in PERIODS:
                rows = {}
                proj = agg.get(y) if y in (2030, 2035) else None
                for c, (t0, src0, parts) in base.items():
                    t, src = t0, src0
                    if proj is not None and c in proj:
                        t_p, src_p = proj[c][0], proj[c][1]
                        if c in self.members:
                            if t_p < t0:
                                t, src = (
                                    t_p,
                                    src_p + "; members keep min(observed, IEA) -- "
                                    "growth comes from Projects",
                                )
                        else:
                            t, src = t_p, src_p
                    elif y == 2028 and 2030 in agg and c in agg[2030]:
                        # between the observed year and the IEA 2030 base case, at 2028.5;
                        # members only toward a lower 2030 value (closures)
                        t30 = agg[2030][c][0]
                        y0 = 2025 if "2025e" in src0 else 2024
                        if c not in self.members or t30 < t0:
                            t = t0 + (t30 - t0) * (MID_YEAR[2028] - y0) / (2030 - y0)
                            src = (
                                f"linear interpolation at 2028.5 between {y0} observed and "
                                "the IEA 2030 base case [IEA_CMDE_2025]"
                            )
                    if len(parts) > 1 or (c == ROW and parts != [ROW]):
                        src = src + "; Rest of world aggregates " + ", ".join(sorted(parts))
                    rows[c] = [t, src]
                # scale to world demand
                self.scale_to_demand(mineral, stage, y, rows)
                years[y] = {c: (t, s) for c, (t, s) in rows.items()}
            table[mineral, stage] = years
        return table

    def scale_to_demand(self, mineral: str, stage: str, year: int, rows: dict) -> None:
        """Scale producers up (in place) so that world supply >= world demand x headroom.

        Processing: non-members only (members grow through Projects), each at most up to its
        known capacity ceiling (SUPPLY_CEILING); mining (SCALE_MINING minerals): all producers.
        """
        total = sum(t for t, _ in rows.values())
        need = self.world_need(mineral, stage, year) * SUPPLY_HEADROOM
        if total >= need or not (stage == "processing" or mineral in SCALE_MINING):
            return
        if stage == "mining":
            scalable, who = [c for c in rows if c not in SCALE_EXCLUDE], "all"
        else:
            scalable = [c for c in rows if c not in self.members and c not in SCALE_EXCLUDE]
            who = "non-member"
        fixed = sum(t for c, (t, _) in rows.items() if c not in scalable)
        while True:  # a producer at its ceiling stops growing; the others share the rest
            k = (need - fixed) / sum(rows[c][0] for c in scalable)
            capped = [
                c
                for c in scalable
                if (c, mineral, stage) in SUPPLY_CEILING
                and rows[c][0] * k > SUPPLY_CEILING[c, mineral, stage][0]
            ]
            if not capped:
                break
            for c in capped:
                ceiling, why = SUPPLY_CEILING[c, mineral, stage]
                rows[c][0] = max(rows[c][0], ceiling)
                rows[c][1] += f"; held at its capacity ceiling {ceiling:,.0f} t ({why})"
                fixed += rows[c][0]
                scalable.remove(c)
            if not scalable:
                return
        for c in scalable:
            rows[c][0] *= k
            rows[c][1] += (
                f"; x {k:.3f} so that world supply meets world demand in {year} "
                f"({who} producers but Russia scaled; ESTIMATE) [BASE_CASE_ESTIMATE]"
            )

    def iea_growth_projects(self) -> list[tuple]:
        out = []
        for c, m in IEA_GROWTH:
            raw = self.supply[m, "processing"]
            now, later = raw[2026][c][0], raw[2030][c][0]
            assert later > now, (c, m)
            out.append(
                (
                    f"IEA base-case growth: {c} {m}",
                    c,
                    m,
                    "processing",
                    later - now,
                    None,
                    0.0,
                    COSTS[m][2],
                    2030,
                    True,
                    "committed",
                    0.0,
                    f"growth of {c}'s {m} processing from {now:,.0f} t to {later:,.0f} t in "
                    "the IEA 2030 base case (operating plants ramping up, projects under "
                    "construction, weighted by likelihood) [IEA_CMDE_2025]",
                )
            )
        return out

    def unit_cost(self, country: str, mineral: str, stage: str) -> float:
        mm, mc, pm, pc, _pn, _mn = COSTS[mineral]
        if stage == "mining":
            return mc if country == "China" else mm
        return pc if country == "China" else pm

    # --- sheets -------------------------------------------------------------------------------
    def add(self, sheet: str, **row) -> None:
        self.rows[sheet].append(row)

    def build(self) -> None:
        self.sheet_countries()
        self.sheet_minerals()
        self.sheet_stages()
        self.sheet_periods()
        self.sheet_demand()
        self.sheet_capacity()
        self.sheet_scenarios()
        self.sheet_prices()
        self.sheet_disruptions()
        self.sheet_projects()
        self.sheet_project_risks()
        self.sheet_floors()
        self.sheet_reference_prices()
        self.sheet_offtake()
        self.sheet_targets()
        self.sheet_budget()
        self.sheet_sweeps()
        self.sheet_sources()

    def sheet_countries(self) -> None:
        gdp_src = (
            "GDP: ESTIMATE, approx. IMF WEO Oct 2025 nominal 2025 (from memory) [IMF_WEO_2025]"
        )
        for c in self.members:
            iso, region, gdp = COUNTRY_INFO[c]
            if c == "United States":
                why = "host of the 4 Feb 2026 Critical Minerals Ministerial"
            elif c in EU27 and c not in set(self.data.attendees.participant):
                why = (
                    "EU member state represented by the European Commission at the ministerial "
                    "(did not attend in its own right)"
                )
            else:
                why = "attended the 4 Feb 2026 Critical Minerals Ministerial"
            self.add(
                "Countries",
                country=c,
                iso3=iso,
                member=True,
                partner=False,
                region=region,
                bloc=BLOC_OF[c],
                import_premium_usd_per_t=0,
                import_premium_share=0,
                gdp_busd=gdp,
                source=f"Member: {why} [STATE_2026_MINISTERIAL]; intra-club trade premium 0 "
                f"(preferential zone, ESTIMATE); {gdp_src}",
            )
        for c in self.nonmembers:
            iso, region, gdp = COUNTRY_INFO[c]
            partner = c in PARTNERS
            prem = IMPORT_PREMIUM_SHARE.get(c, IMPORT_PREMIUM_SHARE_DEFAULT)
            why = (
                "aggregate of all producers without their own row (non-member)"
                if c == ROW
                else f"non-member producer with >= {OWN_ROW_SHARE:.0%} of world output at a "
                "stage of a modelled mineral (USGS MCS 2026 / IEA CMDE 2025)"
            )
            src = [why]
            if partner:
                src.append("partner: " + PARTNERS[c])
            src.append(
                "import premium: " + IMPORT_PREMIUM_SOURCE.get(c, IMPORT_PREMIUM_SOURCE["default"])
            )
            if gdp is not None:
                src.append(gdp_src)
            self.add(
                "Countries",
                country=c,
                iso3=iso or None,
                member=False,
                partner=partner,
                region=region,
                import_premium_usd_per_t=0,
                import_premium_share=prem,
                gdp_busd=gdp,
                source="; ".join(src),
            )

    def club_demand(self, mineral: str, year: int) -> float:
        return self.world_need(mineral, "processing", year) * MINERALS[mineral]["club_share"]

    def sheet_minerals(self) -> None:
        multiple = SETTINGS["shortfall_penalty_multiple"][0]
        for m, spec in MINERALS.items():
            p26 = self.prices[m]["processing"]["2026"]
            p_mid = self.prices[m]["processing"]["mid"]
            climate = m in CLIMATE_CONTROLLED
            rate = HOLDING_RATE_CLIMATE if climate else HOLDING_RATE
            cap_cost = max(100.0, 0.01 * p26) * (3 if climate else 1)
            days0 = STOCK_DAYS_INITIAL.get(m, STOCK_DAYS_INITIAL_DEFAULT)
            src = [
                f"Shortfall penalty: {multiple} (Settings multiple) x the base-path final-stage "
                f"price {p_mid:,.0f}, fixed across scenarios and periods so that a temporary price "
                "spike (china_ban 2028) does not make the clairvoyant second stage move shortfall "
                "into earlier years [BASE_CASE_ESTIMATE]",
                "Stock capacity: ESTIMATE one-off warehouse cost max(USD 100/t, 1% of the 2026 "
                "price)" + (" x 3 for climate-controlled storage (IEA)" if climate else ""),
                f"Holding: {rate:.1%} of the 2026 price per year = 5-8% of value (midpoint 6.5%) "
                "less the 3% discount rate already in the objective"
                + (", plus climate-controlled storage" if climate else "")
                + " [DATA_STOCKPILES]",
                f"Max stock: {STOCK_MAX_DAYS} days of 2030-34 club demand (Japan 60-180 days, "
                "Korea 100 days, Project Vault ~60 days) [DATA_STOCKPILES]",
                f"Initial stock: ESTIMATE {days0} days of 2026 club demand ("
                + STOCK_INITIAL_NOTE[days0]
                + "; volumes are secret) [DATA_STOCKPILES]"
                "[BASE_CASE_ESTIMATE]",
            ]
            self.add(
                "Minerals",
                mineral=m,
                basis=spec["basis"],
                shortfall_penalty_usd_per_t=sig(multiple * p_mid, 3),
                stock_capacity_cost_usd_per_t=sig(cap_cost, 3),
                stock_holding_usd_per_t_yr=sig(rate * p26, 3),
                stock_max_t=sig(STOCK_MAX_DAYS / 365 * self.club_demand(m, 2030), 3),
                stock_initial_t=sig(days0 / 365 * self.club_demand(m, 2026), 3),
                source=". ".join(src),
            )

    def sheet_stages(self) -> None:
        for m, spec in MINERALS.items():
            self.add(
                "Stages",
                mineral=m,
                stage="mining",
                order=1,
                **{"yield": 1.0},
                final=False,
                source="first stage: " + spec["basis"] + " [BASE_CASE_ESTIMATE]",
            )
            self.add(
                "Stages",
                mineral=m,
                stage="processing",
                order=2,
                **{"yield": spec["yield_"]},
                final=True,
                source=f"ESTIMATE: {spec['yield_note']} [BASE_CASE_ESTIMATE]",
            )

    def sheet_periods(self) -> None:
        for y, d in PERIODS:
            self.add("Periods", year=y, duration_years=d, source=PERIOD_SOURCE)

    def sheet_demand(self) -> None:
        for m, spec in MINERALS.items():
            points, src = self.world_d[m]
            for y, _d in PERIODS:
                w = self.world_need(m, "processing", y)
                self.add(
                    "Demand",
                    mineral=m,
                    year=y,
                    demand_t=sig(w * spec["club_share"]),
                    source=(
                        f"world demand {w:,.0f} t/yr at {MID_YEAR[y]:g} (linear "
                        f"interpolation of {src}) x club share {spec['club_share']:.2f} "
                        f"(ESTIMATE: {spec['club_note']}) [BASE_CASE_ESTIMATE]"
                    ),
                )

    def sheet_capacity(self) -> None:
        for (m, s), years in sorted(self.capacity.items()):
            prev: dict[str, tuple[float, float]] = {}
            for y, _d in PERIODS:
                for c in sorted(years[y]):
                    t, src = years[y][c]
                    es, es_src = self.export_share(c, m, s, y)
                    if c in prev and abs(t - prev[c][0]) <= 0.005 * prev[c][0] and es == prev[c][1]:
                        continue  # unchanged: the earlier row holds
                    if c not in prev and t <= 0:
                        continue  # no capacity now: no row
                    prev[c] = (t, es)
                    cost = self.unit_cost(c, m, s)
                    self.add(
                        "Capacity",
                        country=c,
                        mineral=m,
                        stage=s,
                        year=y,
                        capacity_t=sig(t),
                        unit_cost_usd_per_t=sig(cost, 3),
                        utilization=1.0,
                        export_share=es,
                        source=(
                            f"capacity = observed/projected output (utilization 1): {src}"
                            f"; unit cost: {COST_SOURCE[m]}"
                            + (f"; export share: {es_src}" if es_src else "")
                        ),
                    )

    def sheet_scenarios(self) -> None:
        for name, p, desc, src in SCENARIOS:
            self.add("Scenarios", scenario=name, probability=p, description=desc, source=src)

    def price_source(self, m: str, stage: str) -> str:
        if stage == "mining":
            frac, text = PAYABILITY[m]
            if frac is None and m in ("lithium", "aluminium"):
                return f"mining = {self.payability(m):.3f} x processing price ({text})"
            if frac is None:
                return f"mining: {text}"
            return f"mining = {frac:.2f} x processing price ({text}) [BASE_CASE_ESTIMATE]"
        return PRICE_SERIES[m][2] + " [DATA_PRICES]"

    def sheet_prices(self) -> None:
        rules = {
            "2026": "2026-27: mean of the 2024 and 2025 annual averages, all scenarios",
            "mid": "base path: geometric mean of 2021-25 annual averages (mid-cycle)",
            "mid_ctrl": "base path: half way between the 2024-25 mean and the 2021-25 geometric "
            "mean (export licensing keeps ex-China prices high; ESTIMATE)",
            "low": "low_price: 2021-25 minimum annual average (trough)",
            "high": "high_price: base path x (1 + 2021-25 coefficient of variation {cv:.2f})",
        }
        banned = self.banned_minerals()
        for m in MINERALS:
            for s in ("mining", "processing"):
                p = self.prices[m][s]
                base_src = self.price_source(m, s)
                cv = (
                    self.prices[m]["processing"].get("cv", 0.0) if s == "mining" else p.get("cv", 0)
                )
                if m == "graphite" and s == "processing":
                    note = {
                        "2026": "ESTIMATE 5,000 (low end of the Syrah 2023 deck; Chinese AAM "
                        "sells lower)",
                        "mid": "ESTIMATE 5,500 (~2021 spot 5,471)",
                        "low": "ESTIMATE 4,000",
                        "high": "7,000 (high end of the 2023 deck)",
                    }
                else:
                    mid_rule = rules["mid_ctrl"] if m in CONTROLLED else rules["mid"]
                    note = {
                        "2026": rules["2026"],
                        "mid": mid_rule,
                        "low": rules["low"],
                        "high": rules["high"].format(cv=p.get("cv", cv)),
                    }
                for y, _d in PERIODS:
                    key = "2026" if y == 2026 else "mid"
                    self.add(
                        "Prices",
                        mineral=m,
                        stage=s,
                        year=y,
                        scenario="*",
                        price_usd_per_t=sig(p[key]),
                        source=f"{note[key]}: {base_src}",
                    )
                    if y == 2026:
                        continue
                    self.add(
                        "Prices",
                        mineral=m,
                        stage=s,
                        year=y,
                        scenario="low_price",
                        price_usd_per_t=sig(p["low"]),
                        source=f"{note['low']}: {base_src}",
                    )
                    self.add(
                        "Prices",
                        mineral=m,
                        stage=s,
                        year=y,
                        scenario="high_price",
                        price_usd_per_t=sig(p["high"]),
                        source=f"{note['high']}: {base_src}",
                    )
                    if y == 2028 and s == "processing" and m in banned:
                        k = self.ban_multiplier(m)
                        why = (
                            "ESTIMATE: magnet basket at Europe 6 May 2025 Dy/Tb prices "
                            f"(x {k:.2f} vs China-domestic basket; Dy 850k, Tb 3.0M USD/t) "
                            if m == "rare_earths"
                            else f"ESTIMATE: x {k} in a ban (ex-China Dy/Tb oxide tripled within "
                            "weeks of the Apr 2025 controls; antimony x4.7 2023 -> Jun 2025; "
                            "germanium x2.9 2023 -> 2025) "
                        )
                        self.add(
                            "Prices",
                            mineral=m,
                            stage=s,
                            year=y,
                            scenario=BAN_SCENARIO,
                            price_usd_per_t=sig(p["mid"] * k),
                            source=why + "[DATA_PRICES][BASE_CASE_ESTIMATE]; feed (mining) "
                            "prices unchanged: the scarcity rent accrues to processing",
                        )

    def sheet_disruptions(self) -> None:
        for c, m, s, cut, why in BAN:
            src = (
                why
                if why.startswith("ESTIMATE")
                else (f"ESTIMATE cut {cut:.0%} modelled on {why} [DATA_EXPORT_CONTROLS]")
            )
            self.add(
                "Disruptions",
                scenario=BAN_SCENARIO,
                country=c,
                mineral=m,
                stage=s,
                year_from=BAN_YEARS[0],
                year_to=BAN_YEARS[1],
                export_cut=cut,
                source=src + " [BASE_CASE_ESTIMATE]",
            )

    def sheet_projects(self) -> None:
        for (
            name,
            c,
            m,
            s,
            cap,
            capex,
            share,
            cost,
            first,
            lumpy,
            status,
            mcs,
            note,
        ) in self.projects:
            assert c in self.members, c
            intensity, i_src = CAPEX[m, s]
            if capex is None:
                capex = cap * intensity / 1e6
                capex_src = f"capex = capacity x {intensity:,.0f} USD per t/yr ({i_src})"
            else:
                capex_src = "capex as announced or derived in the note"
            if cost is None:
                cost = COSTS[m][4] if s == "processing" else COSTS[m][5]
                cost_src = "unit cost: new ex-China plant (" + short(COST_SOURCE[m], 90) + ")"
            else:
                cost_src = "unit cost as in the note"
            lead = {
                "processing": "3-5 yr build (capex.csv lead times)",
                "mining": "mine lead time",
            }[s]
            src = (
                f"{note} [PROJECT_NEWS]; {capex_src} [DATA_CAPEX]; {cost_src}; first_year "
                f"{first} ({'already under way' if status == 'committed' else lead}); "
                f"support share {share:.2f} ESTIMATE (public co-finance typical of DOE/EXIM/"
                f"EU strategic-project packages) [BASE_CASE_ESTIMATE]"
            )
            self.add(
                "Projects",
                project=name,
                country=c,
                mineral=m,
                stage=s,
                capacity_t=sig(cap),
                capex_musd=sig(capex, 3),
                support_share=share,
                unit_cost_usd_per_t=sig(cost, 3),
                first_year=first,
                lumpy=lumpy,
                status=status,
                min_contracted_share=mcs,
                source=src,
            )

    def sheet_project_risks(self) -> None:
        """Per scenario, the candidate projects that slip or fail (see DELAY_YEARS)."""
        for (
            name,
            _c,
            _m,
            _s,
            _cap,
            _capex,
            _share,
            _cost,
            first,
            _lumpy,
            status,
            _mcs,
            _note,
        ) in self.projects:
            if status != "candidate":
                continue
            failing = tuple(sc for sc, p in FAILS if p == name)
            for sc in (DELAYED_EARLY if first <= 2028 else ()) + failing:
                why = FAILS.get((sc, name))
                what = (
                    f"fails: {why}"
                    if why
                    else f"{DELAY_YEARS}-year delay: online {first + DELAY_YEARS} instead of "
                    f"{first}"
                )
                self.add(
                    "ProjectRisks",
                    scenario=sc,
                    project=name,
                    delay_years=0 if why else DELAY_YEARS,
                    fails=bool(why),
                    known_year=first,
                    source=f"{what}; {DELAY_SOURCE}",
                )

    # --- floors and offtake -----------------------------------------------------------------------
    def full_cost_max(self, mineral: str, conv: float, years=None) -> float:
        """Max over scenarios and periods of conversion cost + feed at the mining price / yield."""
        y_ = MINERALS[mineral]["yield_"]
        years = years or [y for y, _ in PERIODS]
        return max(
            conv + self.price(mineral, "mining", y, sc) / y_ for y in years for sc, *_ in SCENARIOS
        )

    FLOOR_MINERALS = (
        "lithium",
        "nickel",
        "cobalt",
        "graphite",
        "rare_earths",
        "manganese",
        "tungsten",
    )

    def sheet_floors(self) -> None:
        for m in self.FLOOR_MINERALS:
            new = COSTS[m][4]
            if m == "graphite":
                new = 3640
            fc = self.full_cost_max(m, new)
            levels = [
                ("ex_china_cost_minus_10pct", 0.90),
                ("ex_china_cost", 1.0),
                ("ex_china_cost_plus_15pct", 1.15),
            ]
            for level, k in levels:
                self.add(
                    "FloorLevels",
                    mineral=m,
                    stage="processing",
                    level=level,
                    floor_usd_per_t=sig(fc * k, 2),
                    source=(
                        f"ESTIMATE: {k:.2f} x full cost of a new ex-China plant "
                        f"({new:,.0f} conversion + highest mining-stage price over "
                        f"scenarios and periods / yield = {fc:,.0f} USD/t); a level is "
                        f"eligible for a producer only if it covers its full cost in "
                        f"every scenario (SPEC §4) [BASE_CASE_ESTIMATE]"
                    ),
                )
        # the DoD-MP reference floor (USD 110/kg NdPr), in the magnet basket basis
        base_factor = self.re_basket()[0]
        share, why = UPSIDE_SHARE[("rare_earths", "dod_mp_reference")]
        self.add(
            "FloorLevels",
            mineral="rare_earths",
            stage="processing",
            level="dod_mp_reference",
            floor_usd_per_t=sig(110000 * base_factor, 3),
            upside_share=share,
            source=(
                f"DoD-MP Materials agreement (Jul 2025): NdPr floor USD 110/kg x basket "
                f"factor {base_factor:.2f}; two-sided: {why} "
                f"[PROJECT_NEWS][BASE_CASE_ESTIMATE]"
            ),
        )

    def sheet_reference_prices(self) -> None:
        """Candidate trade-zone reference prices at the processing stage (SPEC §4.12)."""
        for m in REFERENCE_MINERALS:
            new = COSTS[m][4]
            fc = self.full_cost_max(m, new)
            for level, k in REFERENCE_LEVELS:
                self.add(
                    "ReferencePrices",
                    mineral=m,
                    stage="processing",
                    level=level,
                    reference_usd_per_t=sig(fc * k, 2),
                    source=(
                        f"ESTIMATE: {k:.2f} x full cost of a new ex-China plant "
                        f"({new:,.0f} conversion + highest mining-stage price over "
                        f"scenarios and periods / yield = {fc:,.0f} USD/t), kept inside "
                        f"the zone by a variable levy on non-zone imports (the "
                        f"Feb 2026 ministerial's reference-price proposal) "
                        f"[STATE_2026_MINISTERIAL][BASE_CASE_ESTIMATE]"
                    ),
                )

    def sheet_offtake(self) -> None:
        proj = {p[0]: p for p in self.projects}
        options = [
            # supplier, mineral, stage, max_t, first, last, note
            (
                "Vidalia expansion to 45 ktpa",
                "graphite",
                "processing",
                15000,
                2028,
                2039,
                "Syrah's offtake model (Tesla, 2022)",
            ),
            (
                "MP Materials 10X separation",
                "rare_earths",
                "processing",
                5000,
                2028,
                2037,
                "DoD 10-year offtake of MP's 10X output (Jul 2025)",
            ),
            (
                "Wagerup gallium recovery",
                "gallium",
                "processing",
                50,
                2028,
                2039,
                "Japan (JOGMEC/Sojitz) offtake in the 2025 announcement",
            ),
            (
                "Electra cobalt refinery",
                "cobalt",
                "processing",
                3000,
                2028,
                2035,
                "government offtake to underpin Electra's financing",
            ),
            (
                "Stibnite antimony-gold mine",
                "antimony",
                "mining",
                1500,
                2028,
                2039,
                "US defence offtake (DoW award, USGS MCS 2026)",
            ),
            (
                "Chile",
                "lithium",
                "processing",
                20000,
                2028,
                2035,
                "partner offtake of Chilean lithium carbonate (SQM/Codelco, Albemarle)",
            ),
            (
                "South Africa",
                "manganese",
                "mining",
                100000,
                2028,
                2039,
                "partner offtake of South African manganese ore (EU-SA CTIP)",
            ),
            (
                "Australia",
                "lithium",
                "mining",
                20000,
                2028,
                2039,
                "spodumene offtake from Australian mines (US-Australia framework, Oct 2025)",
            ),
        ]
        for sup, m, s, mx, first, last, note in options:
            if sup in proj:
                p = proj[sup]
                conv = (
                    p[7]
                    if p[7] is not None
                    else (COSTS[m][4] if s == "processing" else COSTS[m][5])
                )
            elif s == "processing":
                conv = COSTS[m][2]
            else:
                conv = COSTS[m][0]
            years = [y for y, d in PERIODS if y + d - 1 >= first and y <= last]
            if s == "processing":
                y_ = MINERALS[m]["yield_"]
                cost = max(
                    conv + sum(self.price(m, "mining", y, sc) * pr for sc, pr, *_ in SCENARIOS) / y_
                    for y in years
                )
                cost_txt = f"full cost {cost:,.0f} (conversion + expected feed price / yield)"
            else:
                cost = conv
                cost_txt = f"unit cost {cost:,.0f}"
            market = max(
                sum(self.price(m, s, y, sc) * pr for sc, pr, *_ in SCENARIOS) for y in years
            )
            price = ceil_sig(max(cost, market) * 1.02, 3)
            self.add(
                "OfftakeOptions",
                supplier=sup,
                mineral=m,
                stage=s,
                contract_price_usd_per_t=price,
                max_t_per_yr=mx,
                first_year=first,
                last_year=last,
                source=(
                    f"{note} [PROJECT_NEWS]; ESTIMATE contract price = 1.02 x max of the "
                    f"supplier's {cost_txt} and the highest expected market price "
                    f"{market:,.0f} in the contract years [BASE_CASE_ESTIMATE]"
                ),
            )

    def sheet_targets(self) -> None:
        self.add(
            "Targets",
            target="CRMA 65% single-country cap (processing)",
            metric="max_country_share",
            mineral="*",
            stage="processing",
            country=None,
            year_from=2030,
            value=0.65,
            scope="club",
            scenarios="*",
            hard=True,
            penalty_usd_per_t=None,
            source=(
                "EU Critical Raw Materials Act Art. 5(1)(b): by 2030 no more than 65% of "
                "the annual consumption of each strategic raw material at any relevant "
                "stage of processing from a single third country; applied club-wide to "
                "every non-member at the processing stage [EU_CRMA_2024]"
            ),
        )
        for m in ("lithium", "nickel", "cobalt", "graphite", "rare_earths"):
            p = self.prices[m]["processing"]["mid"]
            self.add(
                "Targets",
                target=f"Trusted supply 25% ({m})",
                metric="min_trusted_share",
                mineral=m,
                stage="processing",
                country=None,
                year_from=2030,
                value=0.25,
                scope="club",
                scenarios="*",
                hard=False,
                penalty_usd_per_t=sig(0.10 * p, 2),
                source=(
                    "Soft: 25% of club demand from member-mined, member-processed "
                    "supply (between the CRMA 2030 benchmarks of 10% extraction and 40% "
                    "processing; cf. US IRA foreign-entity-of-concern rules); penalty = "
                    "ESTIMATE security premium of 10% of the base price per tonne short "
                    "[EU_CRMA_2024][BASE_CASE_ESTIMATE]"
                ),
            )
        for m in ("rare_earths", "gallium", "germanium"):
            self.add(
                "Targets",
                target=f"Strategic reserve 60 days ({m})",
                metric="min_stock_days",
                mineral=m,
                stage="processing",
                country=None,
                year_from=2030,
                value=60,
                scope="club",
                scenarios="*",
                hard=True,
                penalty_usd_per_t=None,
                source=(
                    "Japan JOGMEC 60-day target and the ~60-day US Project Vault reserve "
                    "(stockpiles.csv) for the three products already hit by bans; may be "
                    "drawn during a disruption [DATA_STOCKPILES]"
                ),
            )

    def sheet_budget(self) -> None:
        budget = {2026: 4000, 2028: 6000, 2030: 6000, 2035: 6000}
        for y, v in budget.items():
            self.add(
                "Budget",
                year=y,
                max_spend_musd=v,
                source=(
                    "ESTIMATE: the club's public finance for critical minerals in USD "
                    "million per year. Order of magnitude of 2025-26 commitments: US "
                    "NDS +2B (OBBBA), Project Vault EXIM up to 10B over 15 years, DoD/DOE "
                    "awards; Australia A$1.2B reserve + A$1B facility; EU RESourceEU and "
                    "strategic projects; Japan JOGMEC equity/loans "
                    "[DATA_STOCKPILES][BASE_CASE_ESTIMATE]"
                ),
            )

    def sheet_sweeps(self) -> None:
        """Ready-made sensitivity runs for `mineralclub sweep` (examples; edit freely)."""
        cap = "Targets[target=CRMA 65% single-country cap (processing)].value"
        rows = [
            (
                "crma_cap_frontier",
                cap,
                None,
                (0.50, 0.80, 0.05),
                "frontier",
                "cost of the plan against the single-country cap, from 50% to 80%",
            ),
            (
                "tornado",
                "Scenarios[scenario=china_ban].probability",
                "0.1,0.2,0.3,0.4",
                None,
                "one_at_a_time",
                "ban probability (the others are rescaled)",
            ),
            (
                "tornado",
                "Settings[key=discount_rate].value",
                "0.02,0.03,0.05,0.07",
                None,
                "one_at_a_time",
                "US OMB A-4 2%, EU 3%, financing-cost rates",
            ),
            (
                "tornado",
                "Budget[year=2030].max_spend_musd",
                "2000,3000,6000",
                None,
                "one_at_a_time",
                "how a tighter 2030-34 budget changes the plan",
            ),
            (
                "tornado",
                "Minerals[mineral=graphite].shortfall_penalty_usd_per_t",
                "13750,27500,55000",
                None,
                "one_at_a_time",
                "graphite shortfall valued at 2.5x, 5x and 10x the base price",
            ),
            (
                "consumer_weight_frontier",
                "Settings[key=consumer_cost_weight].value",
                None,
                (1.0, 2.0, 0.25),
                "frontier",
                "treasury-paid floors against consumer-paid reference prices: the plan as club "
                "buyers' extra cost counts 1x to 2x a treasury dollar (SPEC §4.13)",
            ),
            (
                "floor_designs",
                "Settings[key=consumer_cost_weight].value",
                "2",
                None,
                "grid",
                "floors only (consumer cost weighs 2, so no reference price is chosen) ...",
            ),
            (
                "floor_designs",
                "Settings[key=floor_design].value",
                "uniform,per_contract",
                None,
                "grid",
                "... paid as one strike per mineral and stage or at each producer's own "
                "lowest eligible strike (SPEC §4.11)",
            ),
        ]
        for sweep, parameter, values, rng, mode, why in rows:
            start, stop, step = rng or (None, None, None)
            self.add(
                "Sweeps",
                sweep=sweep,
                parameter=parameter,
                values=values,
                start=start,
                stop=stop,
                step=step,
                mode=mode,
                source=f"example sensitivity: {why} [BASE_CASE_ESTIMATE]",
            )

    def sheet_sources(self) -> None:
        for sid, pub, table, year, url, notes in SOURCES:
            self.add(
                "Sources",
                source_id=sid,
                publication=pub,
                table=table,
                year=year,
                url=url or None,
                notes=notes or None,
            )


# =================================================================================================
# Diagnostics (--report): does each mineral have a feasible, interesting target?
# =================================================================================================


def report(b: Builder) -> None:
    cap = b.capacity
    print(
        f"countries: {len(b.members)} members + {len(b.nonmembers)} non-members "
        f"({', '.join(b.nonmembers)})"
    )
    print(
        f"{'mineral':12} {'year':>4} {'demand':>11} {'members':>10} {'+projects':>10} "
        f"{'A_total':>11} {'CN imp%':>7} {'CN club%':>8} {'need M':>10}"
    )
    for m in MINERALS:
        for y, _d in PERIODS:
            D = b.club_demand(m, y)
            rows = cap[m, "processing"][y]
            mem = sum(t for c, (t, _) in rows.items() if c in b.members)
            proj = sum(p[4] for p in b.projects if p[2] == m and p[3] == "processing" and p[8] <= y)
            A = {
                c: t * b.export_share(c, m, "processing", y)[0]
                for c, (t, _) in rows.items()
                if c not in b.members
            }
            At = sum(A.values())
            top = max(A.values()) / At
            imports = max(0.0, D - mem)
            cn_club = top * imports / D
            need = D * (1 - 0.65 / top) if top > 0.65 else 0.0
            flag = "" if mem + At >= D else "  SHORT"
            print(
                f"{m:12} {y:>4} {D:>11,.0f} {mem:>10,.0f} {proj:>10,.0f} {At:>11,.0f} "
                f"{top:>7.0%} {cn_club:>8.0%} {need:>10,.0f}{flag}"
            )


# =================================================================================================
# Workbook
# =================================================================================================


def write_workbook(b: Builder, path: Path) -> Path:
    write_template(path)
    book = load_workbook(path)
    for sheet, rows in b.rows.items():
        ws = book[sheet]
        header = [cell.value for cell in ws[1]]
        for row in rows:
            ws.append([row.get(name) for name in header])
        for i, name in enumerate(header, start=1):
            longest = max([len(str(r.get(name, ""))) for r in rows] + [len(name)])
            width = (
                60
                if name in ("source", "description", "notes", "publication", "table")
                else max(12, min(40, longest + 2))
            )
            ws.column_dimensions[get_column_letter(i)].width = width
    settings = book["Settings"]
    for key_cell, value_cell, source_cell in settings.iter_rows(min_row=2, max_col=3):
        if key_cell.value in SETTINGS:
            value_cell.value, source_cell.value = SETTINGS[key_cell.value]
    settings.column_dimensions["C"].width = 60
    fixed = pd.Timestamp("2026-02-04").to_pydatetime()
    book.properties.creator = "inputs/build_base_case.py"
    book.properties.created = fixed
    book.properties.modified = fixed
    save_atomic(path, book.save)
    normalise_zip(path, fixed)
    return path


def normalise_zip(path: Path, when) -> None:
    """Rewrite the xlsx with fixed timestamps so the same inputs give the same bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, blob in items:
            if name == "docProps/core.xml":
                blob = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda mt: mt.group(1) + stamp.encode() + mt.group(3),
                    blob,
                )
            info = zipfile.ZipInfo(name, date_time=(2026, 2, 4, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, blob)
    path.write_bytes(buf.getvalue())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the CSVs")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="workbook to write")
    ap.add_argument("--report", action="store_true", help="print supply/demand diagnostics")
    args = ap.parse_args(argv)
    b = Builder(Data(args.data))
    b.build()
    path = write_workbook(b, args.out)
    counts = ", ".join(f"{s} {len(r)}" for s, r in b.rows.items())
    print(f"wrote {path}: {counts}")
    if args.report:
        report(b)


if __name__ == "__main__":
    main()
