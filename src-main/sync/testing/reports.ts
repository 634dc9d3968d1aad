/** The input of `reports.create` for the i-th test report taken by phone (a new reporter). */
export function phoneReport(
  i: number,
  extra: { lat?: number | null; lon?: number | null; email?: string | null } = {},
) {
  return {
    fields: {
      title: `Lampione spento numero ${i}`,
      description: 'Segnalato al telefono',
      channel: 'telefono',
      categoryId: null,
      address: `Via Tasso ${i}`,
      ...(extra.lat !== undefined ? { lat: extra.lat, lon: extra.lon ?? null } : {}),
    },
    reporters: [
      {
        reporterId: crypto.randomUUID(),
        newReporter: { nome: 'Gino', cognome: `Bramante${i}`, email: extra.email ?? null, telefono: null },
      },
    ],
  };
}
