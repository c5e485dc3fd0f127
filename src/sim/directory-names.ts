/*
 * Word lists the seeded directory builds names from (seed-directory.ts). Every combination is distinct, and so is
 * every entry of GROUP_NAMES after trimming, collapsing spaces and lower-casing, so the only ambiguous names in a
 * directory are the ones it makes on purpose. Entries at index 8, 18 and 28 have two words or more: the directory
 * writes those groups with doubled inner spaces, which a normaliser must collapse.
 */

export const FIRST_NAMES = [
  'Jane', 'John', 'Maria', 'Ahmed', 'Li', 'Olga', 'Pedro', 'Amara', 'Kenji', 'Sofia',
  'Lucas', 'Fatima', 'Noah', 'Ingrid', 'Ravi', 'Chloe', 'Mateo', 'Hana', 'Omar', 'Elena',
  'Tomas', 'Aisha', 'Felix', 'Yara', 'Daniel', 'Mei', 'Jonas', 'Leila', 'Pavel', 'Grace',
  'Igor', 'Nadia', 'Oscar', 'Priya', 'Samuel', 'Zoe', 'Victor', 'Anya', 'Hugo', 'Emma',
] as const;

export const LAST_NAMES = [
  'Doe', 'Smith', 'Garcia', 'Khan', 'Wang', 'Ivanova', 'Silva', 'Okafor', 'Tanaka', 'Rossi',
  'Martin', 'Haddad', 'Brown', 'Larsen', 'Patel', 'Dubois', 'Lopez', 'Kim', 'Farouk', 'Popescu',
  'Novak', 'Bello', 'Weber', 'Costa', 'Cohen', 'Chen', 'Berg', 'Nasser', 'Horvat', 'Murphy',
  'Petrov', 'Mensah', 'Nilsson', 'Sharma', 'Adeyemi', 'Fischer', 'Moreau', 'Kowalski', 'Lindqvist', 'Walsh',
] as const;

export const GROUP_NAMES = [
  'Finance', 'Sales', 'Marketing', 'Engineering', 'Customer Success', 'Human Resources', 'Legal', 'Procurement',
  'IT Operations', 'Security', 'Support', 'Data Platform', 'Product Management', 'Design', 'Quality Assurance',
  'Facilities', 'Research', 'Billing', 'Partner Management', 'Compliance', 'Internal Audit', 'Training',
  'Field Services', 'Public Sector', 'Licensing', 'Cloud Operations', 'Executive Office', 'Communications',
  'Software Asset Management', 'Service Desk',
] as const;
