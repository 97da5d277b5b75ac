/**
 * Names for the demo season. Pure data, client-safe.
 *
 * `FEATURED_PLAYERS` are real players on (approximately) their 2025-26 teams, listed best
 * first: they make pages recognizable (lebronjames on LAL) and exercise the player_lookup
 * normalization with diacritics (Jokić, Dončić, Şengün, Porziņģis), apostrophes (De'Aaron Fox,
 * Royce O'Neale), hyphens (Gilgeous-Alexander) and suffixes (Jaren Jackson Jr., Trey Murphy III).
 * Rosters are filled up to 15 with invented names drawn from `FIRST_NAMES` × `LAST_NAMES`.
 * Accuracy of real rosters is not a goal: this is demo data.
 */

/** The 30 NBA team tricodes, alphabetical. */
export const TEAM_TRICODES = [
  "ATL", "BOS", "BKN", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW",
  "HOU", "IND", "LAC", "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK",
  "OKC", "ORL", "PHI", "PHX", "POR", "SAC", "SAS", "TOR", "UTA", "WAS",
] as const;

export type TeamTricode = (typeof TEAM_TRICODES)[number];

/** Conferences (15 teams each); the schedule gives conference rivals more games. */
export const EASTERN_CONFERENCE: readonly TeamTricode[] = [
  "ATL", "BOS", "BKN", "CHA", "CHI", "CLE", "DET", "IND", "MIA", "MIL", "NYK", "ORL", "PHI", "TOR", "WAS",
];
export const WESTERN_CONFERENCE: readonly TeamTricode[] = [
  "DAL", "DEN", "GSW", "HOU", "LAC", "LAL", "MEM", "MIN", "NOP", "OKC", "PHX", "POR", "SAC", "SAS", "UTA",
];

/** Real players per team, best first (the first five are usually the starters). */
export const FEATURED_PLAYERS: Readonly<Record<TeamTricode, readonly string[]>> = {
  ATL: ["Trae Young", "Jalen Johnson", "Kristaps Porziņģis", "Dyson Daniels", "Nickeil Alexander-Walker"],
  BOS: ["Jayson Tatum", "Jaylen Brown", "Derrick White", "Payton Pritchard"],
  BKN: ["Michael Porter Jr.", "Cam Thomas", "Nic Claxton", "Egor Dëmin"],
  CHA: ["LaMelo Ball", "Brandon Miller", "Miles Bridges", "Moussa Diabaté"],
  CHI: ["Nikola Vučević", "Josh Giddey", "Coby White", "Matas Buzelis"],
  CLE: ["Donovan Mitchell", "Darius Garland", "Evan Mobley", "Jarrett Allen", "De'Andre Hunter"],
  DAL: ["Anthony Davis", "Kyrie Irving", "Cooper Flagg", "P.J. Washington", "Dereck Lively II"],
  DEN: ["Nikola Jokić", "Jamal Murray", "Aaron Gordon", "Jonas Valančiūnas", "Tim Hardaway Jr."],
  DET: ["Cade Cunningham", "Jalen Duren", "Ausar Thompson", "Tobias Harris"],
  GSW: ["Stephen Curry", "Jimmy Butler", "Draymond Green", "Brandin Podziemski"],
  HOU: ["Kevin Durant", "Alperen Şengün", "Amen Thompson", "Jabari Smith Jr.", "Fred VanVleet"],
  IND: ["Pascal Siakam", "Andrew Nembhard", "Bennedict Mathurin", "T.J. McConnell"],
  LAC: ["Kawhi Leonard", "James Harden", "Ivica Zubac", "Bogdan Bogdanović", "Derrick Jones Jr."],
  LAL: ["LeBron James", "Luka Dončić", "Austin Reaves", "Deandre Ayton", "Rui Hachimura"],
  MEM: ["Ja Morant", "Jaren Jackson Jr.", "Zach Edey", "Santi Aldama", "Kentavious Caldwell-Pope"],
  MIA: ["Bam Adebayo", "Tyler Herro", "Norman Powell", "Andrew Wiggins", "Nikola Jović", "Jaime Jaquez Jr."],
  MIL: ["Giannis Antetokounmpo", "Myles Turner", "Kyle Kuzma", "Gary Trent Jr."],
  MIN: ["Anthony Edwards", "Julius Randle", "Rudy Gobert", "Naz Reid"],
  NOP: ["Zion Williamson", "Trey Murphy III", "Jordan Poole", "Herbert Jones", "José Alvarado"],
  NYK: ["Jalen Brunson", "Karl-Anthony Towns", "OG Anunoby", "Mikal Bridges", "Josh Hart"],
  OKC: ["Shai Gilgeous-Alexander", "Jalen Williams", "Chet Holmgren", "Luguentz Dort", "Isaiah Hartenstein"],
  ORL: ["Paolo Banchero", "Franz Wagner", "Desmond Bane", "Jalen Suggs", "Wendell Carter Jr."],
  PHI: ["Joel Embiid", "Tyrese Maxey", "Paul George", "Kelly Oubre Jr.", "VJ Edgecombe"],
  PHX: ["Devin Booker", "Jalen Green", "Dillon Brooks", "Royce O'Neale", "Grayson Allen"],
  POR: ["Deni Avdija", "Jrue Holiday", "Shaedon Sharpe", "Jerami Grant", "Robert Williams III"],
  SAC: ["Domantas Sabonis", "Zach LaVine", "DeMar DeRozan", "Dennis Schröder", "Keegan Murray"],
  SAS: ["Victor Wembanyama", "De'Aaron Fox", "Stephon Castle", "Dylan Harper", "Harrison Barnes"],
  TOR: ["Scottie Barnes", "Brandon Ingram", "RJ Barrett", "Immanuel Quickley", "Jakob Poeltl"],
  UTA: ["Lauri Markkanen", "Walker Kessler", "Keyonte George", "Jusuf Nurkić"],
  WAS: ["CJ McCollum", "Khris Middleton", "Alex Sarr", "Bilal Coulibaly"],
};

/** Given names for invented bench players. */
export const FIRST_NAMES: readonly string[] = [
  "Aaron", "Adrian", "Andre", "Anthony", "Ben", "Brandon", "Caleb", "Cameron", "Carlos", "Chris",
  "Cody", "Colin", "Damian", "Daniel", "Darius", "David", "Dejon", "Devon", "Dominic", "Dorian",
  "Elijah", "Eric", "Ethan", "Evan", "Gabe", "Garrett", "Gavin", "Grant", "Isaac", "Isaiah",
  "Jace", "Jalen", "Jamal", "Jared", "Jaylin", "Jeremy", "Jordan", "Josh", "Julian", "Justin",
  "Kai", "Kendall", "Kevin", "Kobe", "Lamar", "Liam", "Lonnie", "Malik", "Marcus", "Mason",
  "Micah", "Miles", "Nate", "Nathan", "Noah", "Omar", "Oscar", "Quentin", "Reggie", "Ricky",
  "Rob", "Ryan", "Sam", "Shawn", "Terrence", "Theo", "Trey", "Tristan", "Ty", "Tyler",
  "Victor", "Wes", "Xavier", "Zach", "Matías", "Luka", "Nikola", "Mateo", "Ousmane", "Yuki",
];

/** Family names for invented bench players (some with diacritics or apostrophes on purpose). */
export const LAST_NAMES: readonly string[] = [
  "Adams", "Allen", "Anderson", "Bailey", "Baker", "Banks", "Bell", "Bennett", "Brooks", "Bryant",
  "Burke", "Carter", "Chambers", "Coleman", "Collins", "Cooper", "Crawford", "Cruz", "Daniels", "Dawson",
  "Dixon", "Douglas", "Ellis", "Fisher", "Fleming", "Foster", "Freeman", "Gibson", "Gordon", "Graham",
  "Grant", "Greene", "Hale", "Hampton", "Harper", "Hayes", "Henderson", "Hicks", "Holland", "Howard",
  "Hudson", "Irving", "Jacobs", "Jenkins", "Keller", "Knight", "Lambert", "Lawson", "Lewis", "Lowry",
  "Mack", "Marshall", "Mason", "McBride", "McKenzie", "Mitchell", "Monroe", "Moody", "Morris", "Nash",
  "Newton", "Norris", "Owens", "Parker", "Patterson", "Payne", "Perry", "Porter", "Powell", "Price",
  "Quinn", "Reed", "Reeves", "Rhodes", "Riley", "Robinson", "Ross", "Sanders", "Simmons", "Spencer",
  "Stewart", "Sullivan", "Sutton", "Terry", "Tucker", "Turner", "Vaughn", "Wallace", "Walton", "Warren",
  "Watson", "Webb", "Wells", "Whitfield", "Wilkins", "Wright", "Young", "O'Connor", "D'Amico", "Núñez",
  "Petrović", "Müller", "Sánchez", "Kovač", "Lindqvist", "Okafor", "Diallo", "Nwosu", "Tshibangu", "Da Silva",
];
