// Reads a CSV in virt-top's layout by position, as a script written for
// virt-top would: the first 18 columns are the host's, then a group of
// columns repeated once per guest (as many as the header names after them).

export interface VirtTopCsv {
  hostColumns: string[];
  domainColumns: string[];
  rows: { host: Record<string, string>; domains: Record<string, string>[] }[];
}

/** RFC 4180 fields of one CSV text: quoted fields may hold commas, quotes ("") and line breaks. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      rec.push(field);
      field = '';
    } else if (c === '\n') {
      rec.push(field);
      records.push(rec);
      rec = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || rec.length) records.push([...rec, field]);
  return records;
}

const HOST_COLUMNS = 18;

export function readVirtTopCsv(text: string): VirtTopCsv {
  const [header, ...body] = csvRecords(text);
  const hostColumns = header.slice(0, HOST_COLUMNS);
  const domainColumns = header.slice(HOST_COLUMNS);
  const rows = body.map((r) => {
    if ((r.length - HOST_COLUMNS) % domainColumns.length !== 0) throw new Error(`a row of ${r.length} fields does not fit groups of ${domainColumns.length}`);
    const host = Object.fromEntries(hostColumns.map((c, i) => [c, r[i]]));
    const domains: Record<string, string>[] = [];
    for (let i = HOST_COLUMNS; i < r.length; i += domainColumns.length) domains.push(Object.fromEntries(domainColumns.map((c, k) => [c, r[i + k]])));
    return { host, domains };
  });
  return { hostColumns, domainColumns, rows };
}
