/**
 * What VBA source code does, in the terms that matter for mail: does it run by itself when the
 * document opens or closes, and does it reach outside the document (run programs, download,
 * write files, call the Windows API). Keyword-based, as olevba does: macro malware has to name
 * these calls somewhere, and honest business macros rarely combine them with auto-execution.
 */

export type MacroCallCategory = 'execute' | 'download' | 'native_api' | 'write_file' | 'create_object' | 'obfuscation';

export interface MacroCall {
  keyword: string;
  category: MacroCallCategory;
}

export interface MacroSourceFacts {
  /** Procedures that Office runs by itself (AutoOpen, Document_Open, Workbook_Open, ActiveX events…). */
  autoExec: string[];
  /** Distinct suspicious calls found, by category. */
  calls: MacroCall[];
}

/**
 * Procedure names Office runs on open, close or new document, and ActiveX control events that fire
 * as the document is drawn (InkPicture Painted, Frame Layout, WebBrowser navigation) without a click.
 */
const AUTO_EXEC_PROCEDURE =
  /\b(?:Sub|Function)\s+(Auto_?Open|Auto_?Close|Auto_?Exec|Auto_?Exit|Auto_?New|Document_(?:Open|Close|New|BeforeClose|ContentControlOnEnter)|DocumentOpen|DocumentBeforeClose|NewDocument|Workbook_(?:Open|Activate|Close|BeforeClose|Deactivate)|\w+_(?:Painted|Painting|GotFocus|Layout|Resize|BeforeNavigate2|DocumentComplete|NavigateComplete2|ProgressChange|OnConnecting))\s*\(/gi;

const CALLS: ReadonlyArray<{ pattern: RegExp; keyword: string; category: MacroCallCategory }> = [
  { pattern: /\bShell\s*\(|\bShell\s+["\w]|\bVBA\.Shell\b/i, keyword: 'Shell', category: 'execute' },
  { pattern: /\bShellExecute\w*\b/i, keyword: 'ShellExecute', category: 'execute' },
  { pattern: /WScript\.Shell|\bWScript\b/i, keyword: 'WScript.Shell', category: 'execute' },
  { pattern: /Shell\.Application/i, keyword: 'Shell.Application', category: 'execute' },
  { pattern: /\bpowershell\b/i, keyword: 'powershell', category: 'execute' },
  { pattern: /\bcmd(?:\.exe)?\s+\/[ck]\b|\bcmd\.exe\b/i, keyword: 'cmd.exe', category: 'execute' },
  { pattern: /\b(?:mshta|rundll32|regsvr32|certutil|bitsadmin|wmic|cscript|wscript)(?:\.exe)?\b/i, keyword: 'system tool (mshta/rundll32/regsvr32/certutil…)', category: 'execute' },
  { pattern: /Win32_Process|winmgmts:/i, keyword: 'WMI process creation', category: 'execute' },
  { pattern: /\bMacScript\b|\bAppleScriptTask\b/i, keyword: 'MacScript', category: 'execute' },
  { pattern: /\bExecuteExcel4Macro\b/i, keyword: 'ExecuteExcel4Macro', category: 'execute' },
  { pattern: /\.Exec\s*\(|\.Run\s*\(?\s*"(?:cmd|powershell|mshta|wscript|cscript)/i, keyword: '.Exec/.Run of a command', category: 'execute' },
  { pattern: /\bURLDownloadToFile\w*\b/i, keyword: 'URLDownloadToFile', category: 'download' },
  { pattern: /\b(?:MSXML2\.(?:Server)?XMLHTTP|Microsoft\.XMLHTTP|WinHttp\.WinHttpRequest|XMLHTTP)\b/i, keyword: 'XMLHTTP', category: 'download' },
  { pattern: /\bInternetExplorer\.Application\b/i, keyword: 'InternetExplorer.Application', category: 'download' },
  { pattern: /\b(?:Net\.WebClient|DownloadFile|DownloadString|DownloadData)\b/i, keyword: 'WebClient download', category: 'download' },
  { pattern: /\bLib\s+"(?:kernel32|ntdll|user32|urlmon|shell32|wininet)(?:\.dll)?"/i, keyword: 'Windows API declaration', category: 'native_api' },
  { pattern: /\b(?:VirtualAlloc\w*|RtlMoveMemory|CreateThread|WriteProcessMemory|CreateRemoteThread|EnumSystemCodePages\w*|CallWindowProc\w*)\b/i, keyword: 'memory/thread API (shellcode)', category: 'native_api' },
  { pattern: /\bADODB\.Stream\b|\.SaveToFile\b/i, keyword: 'ADODB.Stream SaveToFile', category: 'write_file' },
  { pattern: /\bOpen\s+\S[^\r\n]*\bFor\s+(?:Binary|Output)\b/i, keyword: 'Open … For Binary/Output', category: 'write_file' },
  { pattern: /\bCreateTextFile\b/i, keyword: 'CreateTextFile', category: 'write_file' },
  { pattern: /\bCreateObject\s*\(/i, keyword: 'CreateObject', category: 'create_object' },
  { pattern: /\bGetObject\s*\(/i, keyword: 'GetObject', category: 'create_object' },
  { pattern: /\bCallByName\b/i, keyword: 'CallByName', category: 'obfuscation' },
  { pattern: /\bStrReverse\s*\(/i, keyword: 'StrReverse', category: 'obfuscation' },
];

/** `Chr(104) & Chr(116) & …`: strings spelled character by character hide commands from keyword scans. */
const CHR_CALL = /\bChrW?\$?\s*\(\s*&?[hH]?[0-9A-Fa-f]+\s*\)/g;
const MIN_CHR_CALLS = 40;

/** Scans (already bounded) VBA source for auto-exec procedures and suspicious calls. */
export function analyseMacroSource(source: string): MacroSourceFacts {
  const autoExec = new Set<string>();
  for (const match of source.matchAll(AUTO_EXEC_PROCEDURE)) {
    autoExec.add(match[1] as string);
    if (autoExec.size >= 20) break;
  }
  const calls: MacroCall[] = CALLS.filter(({ pattern }) => pattern.test(source)).map(({ keyword, category }) => ({ keyword, category }));
  let chrCalls = 0;
  for (const _ of source.matchAll(CHR_CALL)) if (++chrCalls >= MIN_CHR_CALLS) break;
  if (chrCalls >= MIN_CHR_CALLS) calls.push({ keyword: 'Chr() string building', category: 'obfuscation' });
  return { autoExec: [...autoExec], calls };
}
