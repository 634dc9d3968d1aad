/**
 * SMTP answers often quote the recipient ("550 5.1.1 <anna@example.it>: Recipient
 * address rejected"). For viewers without «vede i dati dei segnalatori» the reason of a
 * failed email is shown with every address masked.
 */
const ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[^\s<>()[\]"',;:]+/g;

export const maskAddresses = (text: string) => text.replace(ADDRESS, '(indirizzo riservato)');
