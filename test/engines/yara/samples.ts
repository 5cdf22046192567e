import * as CFB from 'cfb';
import { eicar, zip } from '../clamav/fixtures';

/** Synthetic samples for the starter rules: each rule gets one that matches and a near miss. */

function pdf(body: string): Buffer {
  return Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n${body}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

export const PDF = {
  openActionJavaScript: pdf('1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\("hi"\\)) >> >> endobj'),
  documentLevelJavaScript: pdf('1 0 obj << /Type /Catalog /Names << /JavaScript 5 0 R >> >> endobj\n5 0 obj << /Names [(init) 6 0 R] >> endobj\n6 0 obj << /S /JavaScript /JS 7 0 R >> endobj'),
  formFieldJavaScript: pdf('1 0 obj << /Type /Catalog /AcroForm 3 0 R >> endobj\n4 0 obj << /FT /Tx /AA << /K << /S /JavaScript /JS (AFNumber_Keystroke\\(2\\)) >> >> >> endobj'),
  escapedJavaScriptName: pdf('4 0 obj << /S /J#61vaScr#69pt /JS (this.print\\(\\)) >> endobj'),
  /** Near miss: opens at a page, and only mentions JavaScript in its text. */
  openActionToPage: pdf('1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj\n5 0 obj << /Length 44 >> stream\nBT (Learning JavaScript, chapter 2) Tj ET\nendstream endobj'),
};

const payload = Buffer.from('UEsDBBQAAAAIAGZlbGxvd29ybGQ'.repeat(8), 'ascii').toString('ascii');

export const HTML = {
  blobSmuggling: `<html><body><script>
    var b64 = "${payload}";
    var bytes = new Uint8Array(atob(b64).split("").map(function (c) { return c.charCodeAt(0); }));
    var file = new Blob([bytes], { type: "application/octet-stream" });
    if (window.navigator.msSaveOrOpenBlob) { window.navigator.msSaveOrOpenBlob(file, "invoice.iso"); }
    else { var a = document.createElement("a"); a.href = URL.createObjectURL(file); a.download = "invoice.iso"; a.click(); }
  </script></body></html>`,
  charCodeSmuggling: `<html><body><script>
    var s = String.fromCharCode(80, 75, 3, 4); var blob = new Blob([s]);
    var link = document.createElement("a"); link.href = window.URL.createObjectURL(blob);
    link.setAttribute("download", "scan.zip"); document.body.appendChild(link); link.click();
  </script></body></html>`,
  dataUriDownload: `<html><body><p>Your document is ready.</p><a href="data:application/zip;base64,${payload}" download="Remittance.zip">Download</a></body></html>`,
  dataUriNavigate: `<html><body><script>window.location.href = "data:text/html;base64,${payload}";</script></body></html>`,
  encodedPage: `<script>\n<!--\ndocument.write(unescape("%3C%21doctype%20html%3E%3Chtml%3E%3Cform%20action%3D%22https%3A//collect.example.net/%22%3E"));\n//-->\n</script>`,
  evalAtob: '<html><script>eval(window.atob("ZG9jdW1lbnQubG9jYXRpb249Imh0dHBzOi8vZXhhbXBsZS5uZXQvIg=="))</script></html>',
  /** Near miss: script that writes plain markup. */
  plainWrite: '<html><script>document.write("<p>Updated " + new Date().getFullYear() + "</p>");</script></html>',
  /** Near miss: a web page exporting its own data, with no decoded payload. */
  csvExport: `<html><body><script>
    var file = new Blob([JSON.stringify(rows)], { type: "text/csv" });
    var a = document.createElement("a"); a.href = URL.createObjectURL(file); a.download = "report.csv"; a.click();
  </script></body></html>`,
  /** Near miss: inline images as data: URIs and a plain-text explanation of the technique. */
  inlineImages: `<html><body><img src="data:image/png;base64,${payload}"><p>HTML smuggling uses atob() and new Blob() with msSaveOrOpenBlob; attachments named .zip are blocked.</p></body></html>`,
};

function ole(streams: Record<string, Buffer | string>): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [path, content] of Object.entries(streams)) CFB.utils.cfb_add(container, path, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
  return CFB.write(container, { type: 'buffer' }) as Buffer;
}

/** The start of a compressed VBA module as Office writes it: "Attribut", flag byte 0, "e VB_Nam"... */
const moduleStart = '\x01\x9a\xb1\x00Attribut\x00e VB_Nam\x00e = "ThisDocument"';

export const OFFICE = {
  autoExecShell: ole({
    '/Macros/VBA/_VBA_PROJECT': Buffer.from([0xcc, 0x61, 0xff, 0xff]),
    '/Macros/VBA/ThisDocument': `${moduleStart} Sub Document_Open() x = Shell("cmd /c calc") End Sub`,
  }),
  autoExecOnly: ole({
    '/_VBA_PROJECT_CUR/VBA/_VBA_PROJECT': Buffer.from([0xcc, 0x61, 0xff, 0xff]),
    '/_VBA_PROJECT_CUR/VBA/ThisWorkbook': `${moduleStart} Private Sub Workbook_Open() MsgBox "Welcome" End Sub`,
  }),
  /** Near miss: a macro project without any auto-run procedure. */
  macroWithoutAutoExec: ole({
    '/Macros/VBA/_VBA_PROJECT': Buffer.from([0xcc, 0x61, 0xff, 0xff]),
    '/Macros/VBA/Module1': `${moduleStart} Sub FormatTable() Selection.Font.Bold = True End Sub`,
  }),
  /** Near miss: a Word document whose text talks about AutoOpen and Shell, with no VBA project. */
  documentAboutMacros: ole({ '/WordDocument': 'Training notes: never enable macros; AutoOpen and Document_Open can call Shell or CreateObject.' }),
  encrypted: ole({ '/EncryptionInfo': Buffer.alloc(64, 4), '/EncryptedPackage': Buffer.alloc(256, 0x9e) }),
  /** Near miss: an ordinary OLE document. */
  plainOle: ole({ '/WordDocument': Buffer.alloc(128, 1), '/SummaryInformation': Buffer.alloc(64, 2) }),
};

export function docm(vbaProject: Buffer): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
    { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
    { name: 'word/vbaProject.bin', data: vbaProject },
  ]);
}

export const DOCX_WITHOUT_MACROS = zip([
  { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
  { name: 'word/document.xml', data: Buffer.from('<w:document>Quarterly report</w:document>') },
]);

export const EICAR = eicar();

/** Near miss: the EICAR string with one character changed. */
export const EICAR_ALTERED = Buffer.from(EICAR.toString('ascii').replace('EICAR', 'EICAP'), 'ascii');
