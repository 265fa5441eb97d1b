/**
 * The codes a card's FHIR resources are read by (docs/FORMATS.md "SMART Health Cards: facts"): COVID-19
 * vaccines in CVX and SNOMED CT (the SMART Health Cards value sets `immunization-covid-cvx` and
 * `immunization-covid-snomed`), SARS-CoV-2 qualitative lab tests in LOINC, and qualitative results in SNOMED
 * CT. A code that is not here gives no fact — the card still shows, it proves nothing to the rules. Light:
 * the UI may import this for names without the decoder.
 */

export const CVX = 'http://hl7.org/fhir/sid/cvx';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';

/** Product names in the short form Singgah certificates use ("Pfizer", "Sinovac"). */
export const SHC_CVX_VACCINES: Readonly<Record<string, string>> = {
  '207': 'Moderna',
  '208': 'Pfizer',
  '210': 'AstraZeneca',
  '211': 'Novavax',
  '212': 'Janssen',
  '213': 'COVID-19 (unspecified)',
  '217': 'Pfizer',
  '218': 'Pfizer',
  '219': 'Pfizer',
  '221': 'Moderna',
  '225': 'Sanofi',
  '226': 'Sanofi',
  '227': 'Moderna',
  '228': 'Moderna',
  '229': 'Moderna',
  '230': 'Moderna',
  '300': 'Pfizer',
  '301': 'Pfizer',
  '302': 'Pfizer',
  '500': 'COVID-19 (non-US, unknown)',
  '501': 'QazCovid-in',
  '502': 'Covaxin',
  '503': 'CoviVac',
  '504': 'Sputnik Light',
  '505': 'Sputnik V',
  '506': 'Convidecia',
  '507': 'Zifivax',
  '508': 'Jiangsu CDC',
  '509': 'EpiVacCorona',
  '510': 'Sinopharm',
  '511': 'Sinovac',
  '512': 'Covifenz',
  '513': 'Zifivax',
  '514': 'ZyCoV-D',
  '515': 'Medigen',
  '516': 'KCONVAC',
  '517': 'Corbevax',
  '518': 'Valneva',
  '519': 'Moderna',
  '520': 'Pfizer',
};

export const SHC_SNOMED_VACCINES: Readonly<Record<string, string>> = {
  '1031000172108': 'Pfizer',
  '10871000172106': 'Moderna',
  '10891000172107': 'AstraZeneca',
  '10901000172106': 'Janssen',
  '125071000220108': 'Pfizer',
  '125081000220106': 'Pfizer',
  '125091000220109': 'Pfizer',
  '125101000220104': 'Pfizer',
  '125111000220101': 'Moderna',
  '125121000220108': 'Moderna',
  '1401000220108': 'AstraZeneca',
  '1411000220106': 'Pfizer',
  '1421000220104': 'Moderna',
  '28571000087109': 'Moderna',
  '28581000087106': 'Pfizer',
  '28761000087108': 'AstraZeneca',
  '28951000087107': 'Janssen',
  '28961000087105': 'Covishield',
  '29171000087106': 'Novavax',
  '30151000087105': 'Covifenz',
  '31301000087101': 'Sinopharm',
  '31311000087104': 'Sinovac',
  '31341000087103': 'Sputnik V',
  '31431000087100': 'Convidecia',
  '33201000087108': 'Sinopharm (WIBP)',
  '33211000087105': 'Covaxin',
  '33221000087102': 'CureVac',
  '33361000087101': 'Pfizer',
  '33391000087109': 'Abdala',
  '33401000087107': 'COVIran Barekat',
  '33411000087109': 'CoviVac',
  '33421000087101': 'EpiVacCorona',
  '33431000087104': 'KCONVAC',
  '33441000087105': 'Medigen',
  '33451000087108': 'QazCovid-in',
  '33461000087106': 'Sputnik Light',
  '33471000087102': 'Zifivax',
  '33881000087102': 'Pfizer',
  '34591000087100': 'Soberana 02',
  '34601000087108': 'SpikoGen',
  '34611000087105': 'Pfizer',
  '34921000087108': 'Covovax',
  '35651000087105': 'Moderna',
  '37311000087109': 'Moderna',
  '37651000087101': 'Moderna',
};

/**
 * Doses in the primary series, for a card that does not say (`protocolApplied.seriesDosesPositiveInt`): one
 * for the single-dose vaccines, three for the three-dose ones, else two (WHO EUL and national labels).
 */
export const SHC_SERIES_DOSES: Readonly<Record<string, number>> = {
  Janssen: 1,
  'Sputnik Light': 1,
  Convidecia: 1,
  Zifivax: 3,
  'ZyCoV-D': 3,
  Abdala: 3,
};
export const DEFAULT_SERIES_DOSES = 2;

/**
 * SARS-CoV-2 qualitative tests (LOINC, from the SMART Health Cards `lab-qualitative-test-covid` value set) the
 * rules can use: nucleic-acid amplification (NAA, e.g. RT-PCR) → `pcr`, rapid antigen immunoassay → `antigen`.
 * Antibody tests, sequencing, culture and the "SARS-related CoV" assays that do not name SARS-CoV-2 give no
 * fact.
 */
export const SHC_LAB_TESTS: Readonly<Record<string, 'pcr' | 'antigen'>> = {
  '94307-6': 'pcr',
  '94308-4': 'pcr',
  '94309-2': 'pcr',
  '94314-2': 'pcr',
  '94316-7': 'pcr',
  '94500-6': 'pcr',
  '94533-7': 'pcr',
  '94534-5': 'pcr',
  '94559-2': 'pcr',
  '94565-9': 'pcr',
  '94639-2': 'pcr',
  '94640-0': 'pcr',
  '94641-8': 'pcr',
  '94660-8': 'pcr',
  '94756-4': 'pcr',
  '94757-2': 'pcr',
  '94759-8': 'pcr',
  '94760-6': 'pcr',
  '94766-3': 'pcr',
  '94767-1': 'pcr',
  '94845-5': 'pcr',
  '95406-5': 'pcr',
  '95409-9': 'pcr',
  '95425-5': 'pcr',
  '95608-6': 'pcr',
  '95824-9': 'pcr',
  '96091-4': 'pcr',
  '96120-1': 'pcr',
  '96123-5': 'pcr',
  '96448-6': 'pcr',
  '96763-8': 'pcr',
  '96765-3': 'pcr',
  '96797-6': 'pcr',
  '96829-7': 'pcr',
  '96957-6': 'pcr',
  '96958-4': 'pcr',
  '96986-5': 'pcr',
  '97098-8': 'pcr',
  '98131-6': 'pcr',
  '98132-4': 'pcr',
  '98493-0': 'pcr',
  '98494-8': 'pcr',
  '94558-4': 'antigen',
  '95209-3': 'antigen',
  '96119-3': 'antigen',
  '97097-0': 'antigen',
};

/** Qualitative results (SNOMED CT, from `lab-qualitative-result`) that say yes or no; any other gives no fact. */
export const SHC_LAB_RESULTS: Readonly<Record<string, 'neg' | 'pos'>> = {
  '260385009': 'neg', // Negative
  '260415000': 'neg', // Not detected
  '10828004': 'pos', // Positive
  '260373001': 'pos', // Detected
};

/** Own properties only: a code such as `__proto__` is just an unknown code. */
export const lookup = <T>(table: Readonly<Record<string, T>>, code: unknown): T | undefined =>
  typeof code === 'string' && Object.hasOwn(table, code) ? table[code] : undefined;
