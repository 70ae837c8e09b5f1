/** Distinct patients the delivery runs spread their notes over (a cell serves many patients at once). */
export const PATIENTS = 40;
