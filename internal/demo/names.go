package demo

// Fixed name lists, so that names are deterministic and look like a UK
// population: the generations of given names differ (the people in care are
// mostly old, their carers middle-aged, the professionals younger) and the
// surnames are a mix of the commonest British, South Asian, Black British,
// Polish and Chinese ones. The combinations are invented; any likeness to a
// real person is chance.

var olderWomen = []string{
	"Margaret", "Jean", "Dorothy", "Joan", "Patricia", "Betty", "Sheila", "Doreen", "Barbara", "Irene",
	"Maureen", "Brenda", "Eileen", "Sylvia", "Pauline", "Valerie", "Joyce", "Kathleen", "Elsie", "Edna",
	"Gladys", "Iris", "Mavis", "Audrey", "Shirley", "Rita", "June", "Marjorie", "Beryl", "Hilda",
	"Winifred", "Rose", "Agnes", "Mary", "Ann", "Christine", "Janet", "Carol", "Gwen", "Hazel",
	"Bernadette", "Catherine", "Nirmala", "Kamala", "Shamim", "Gurmeet", "Hyacinth", "Precious", "Halina", "Mei",
}

var olderMen = []string{
	"Arthur", "Kenneth", "Ronald", "Derek", "Dennis", "Brian", "Peter", "John", "Michael", "David",
	"Alan", "Roy", "Norman", "Frank", "Stanley", "George", "Harold", "Raymond", "Geoffrey", "Leslie",
	"Albert", "Eric", "Trevor", "Colin", "Bernard", "Malcolm", "Gordon", "Keith", "Terence", "Walter",
	"Clifford", "Desmond", "Winston", "Mohammed", "Harbans", "Tadeusz", "Patrick", "Francis", "Cyril", "Horace",
}

var middleWomen = []string{
	"Susan", "Karen", "Julie", "Helen", "Sarah", "Lisa", "Nicola", "Joanne", "Claire", "Tracey",
	"Donna", "Michelle", "Amanda", "Rachel", "Emma", "Kelly", "Louise", "Samantha", "Angela", "Deborah",
	"Alison", "Jacqueline", "Nasreen", "Shabana", "Agnieszka", "Funmi", "Priya", "Mandy", "Gillian", "Lorraine",
}

var middleMen = []string{
	"Mark", "Paul", "Andrew", "Stephen", "Richard", "Gary", "Simon", "Darren", "Neil", "Ian",
	"Martin", "Jason", "Lee", "Christopher", "Matthew", "Wayne", "Craig", "Anthony", "Imran", "Tariq",
	"Marek", "Tunde", "Rajesh", "Dean", "Graham", "Kevin", "Philip", "Stuart", "Delroy", "Wei",
}

var youngWomen = []string{
	"Chloe", "Jessica", "Amy", "Sophie", "Megan", "Hannah", "Lauren", "Bethany", "Ellie", "Olivia",
	"Aisha", "Zara", "Jade", "Niamh", "Holly", "Georgia", "Amira", "Maya", "Kirsty", "Leah",
}

var youngMen = []string{
	"Liam", "Jack", "Ryan", "Connor", "Callum", "Kieran", "Jordan", "Tyler", "Josh", "Nathan",
	"Bradley", "Ethan", "Kyle", "Adam", "Ayaan", "Bilal", "Reece", "Kai", "Owen", "Jamal",
}

var surnames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
	"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
	"Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
	"Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
	"James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
	"Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
	"Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
	"Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali",
	"Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
	"Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
	"Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
	"Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West",
	"Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
	"Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
	"Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
	"Kowalski", "Nowak", "Okafor", "Mensah", "Osei", "Adeyemi", "Chen", "Nguyen", "Mahmood", "Iqbal",
	"Rahman", "Chowdhury", "Sharma", "Gupta", "McLeod", "Doyle", "Quinn", "Byrne", "Lynch", "Sutherland",
}

// places name the streets and buildings that GP practices and pharmacies
// are called after.
var places = []string{
	"Beech Road", "Station Road", "Church Lane", "Market Street", "Parkside", "Victoria Road", "Mill Lane",
	"Castle Street", "Oak Tree", "Bridge Street", "King's Road", "Queen's Park", "Orchard", "Willow Bank",
	"Meadowbank", "Chapel Street", "Northfield", "Greenway", "Abbey", "Priory", "Cedar House", "Holly Bank",
	"Hawthorn", "Ashgrove", "Brook Lane", "Cross Street", "Grange", "Laurel", "Park View", "Springfield",
	"Woodlands", "York Road", "Albion Street", "Moorland", "Heathside", "Hillside", "Lime Tree", "Canal Side",
	"Fountain", "Rectory Lane", "St John's", "Vicarage Road", "Elm Grove", "Lark Rise", "Foxhill", "Kingsway",
}

var practiceSuffixes = []string{"Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice"}

var homeCareAgencies = []string{
	"Caring Hands", "Helping Hands at Home", "Comfort Care", "Kindred Care", "HomeFirst Care",
	"Heartland Home Care", "Primrose Care Services", "Meadow Home Support", "Rosewood Care at Home",
	"Kingfisher Home Care", "Sunrise Domiciliary Care", "Hazelwood Care", "Acorn Home Care",
	"Sycamore Care", "Oakleaf Home Care", "Lighthouse Care", "Evergreen Home Care", "Swallow Care",
}

var hospitalNames = []string{
	"General Hospital", "Royal Infirmary", "County Hospital", "Victoria Hospital",
	"Queen Elizabeth Hospital", "Princess Royal Hospital", "St Mary's Hospital", "St George's Hospital",
}
