/// Passwords of 10+ characters that top the public breach-frequency lists
/// (e.g. the NCSC "100k most common" list): the ones an attacker tries first.
/// Compared lowercased.
enum CommonPasswords {
    static let list: Set<String> = [
        "1234567890", "0123456789", "12345678910", "123456789a", "1234567890a", "qwertyuiop",
        "1q2w3e4r5t", "1q2w3e4r5t6y", "qwerty1234", "qwerty12345", "qwerty123456", "password1",
        "password12", "password123", "password1234", "password!", "password1!", "passw0rd123",
        "p@ssw0rd123", "p@ssword123", "iloveyou12", "iloveyou123", "sunshine123", "princess123",
        "football123", "baseball123", "welcome123", "welcome1234", "welcome2024", "welcome2025",
        "welcome2026", "letmein123", "letmein1234", "monkey12345", "dragon12345", "abc1234567",
        "abcd123456", "abcdefghij", "abcdefg123", "a1b2c3d4e5", "1qaz2wsx3edc", "zaq12wsx",
        "zaq1zaq1zaq1", "trustno1234", "admin12345", "admin123456", "administrator", "administrator1",
        "changeme123", "changeme1!", "superman123", "batman12345", "starwars123", "pokemon123",
        "computer123", "internet123", "whatever123", "freedom123", "michael123", "jennifer123",
        "charlie123", "jordan2323", "liverpool1", "chelsea123", "arsenal123", "manchester",
        "qwertyuiop1", "asdfghjkl1", "asdfghjkl;", "zxcvbnm123", "1111111111", "0000000000",
        "9876543210", "987654321a", "1234512345", "1234554321", "1122334455", "1231231231",
        "summer2024", "summer2025", "summer2026", "winter2024", "winter2025", "winter2026",
        "spring2025", "autumn2025", "january2025", "password2024", "password2025", "password2026",
        "passwort123", "passwort1234", "hallo12345", "motdepasse", "motdepasse1", "contraseña1",
        "contrasena1", "contrasena123", "Passwort1!".lowercased(), "herald1234", "herald12345",
        "invitation1", "letmein!234", "qwerty!234", "Aa123456789".lowercased(), "aa12345678",
        "q1w2e3r4t5", "q1w2e3r4t5y6", "1q2w3e4r5t6y7u", "qazwsxedc123", "1qazxsw23edc",
    ]
}
