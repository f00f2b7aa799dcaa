import type { Response } from 'express';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a workbook as a download named `filename`. */
export function sendWorkbook(res: Response, buffer: Buffer | ArrayBuffer | Uint8Array, filename: string): void {
  res.type(XLSX_TYPE).set('Content-Disposition', `attachment; filename="${filename}"`).send(buffer);
}
