/*
 * Strata starter rules: Office documents with VBA macros.
 * A VBA project is an OLE2 file (a .doc/.xls, or the vbaProject.bin inside a .docm/.xlsm, which
 * the yara engine scans as an archive member). Its directory names `_VBA_PROJECT` in UTF-16, and
 * every compressed module starts with "Attribut", a flag byte and "e VB_". Procedure names such
 * as Workbook_Open stay readable in the module's cache.
 */

rule Strata_Office_Macro_AutoExec_Shell
{
    meta:
        description = "Office document with a VBA macro that runs on open or close and can start programs or download files"
        score = 75
        severity = "high"

    strings:
        $vba_project = "_VBA_PROJECT" wide
        $vba_module = { 41 74 74 72 69 62 75 74 00 65 20 56 42 5F }
        $auto_open = "AutoOpen" nocase
        $auto_open2 = "Auto_Open" nocase
        $document_open = "Document_Open" nocase
        $workbook_open = "Workbook_Open" nocase
        $auto_exec = "AutoExec" nocase
        $auto_close = "AutoClose" nocase
        $auto_close2 = "Auto_Close" nocase
        $document_close = "Document_Close" nocase
        $exec_shell = "Shell" nocase
        $exec_create_object = "CreateObject" nocase
        $exec_wscript = "WScript" nocase
        $exec_powershell = "powershell" nocase
        $exec_download = "URLDownloadToFile" nocase
        $exec_xmlhttp = "XMLHTTP" nocase

    condition:
        uint32be(0) == 0xD0CF11E0 and ($vba_project or $vba_module) and
        any of ($auto_*, $document_*, $workbook_*) and any of ($exec_*)
}

rule Strata_Office_Macro_AutoExec
{
    meta:
        description = "Office document with a VBA macro that runs by itself when the document is opened or closed"
        score = 50
        severity = "medium"

    strings:
        $vba_project = "_VBA_PROJECT" wide
        $vba_module = { 41 74 74 72 69 62 75 74 00 65 20 56 42 5F }
        $auto_open = "AutoOpen" nocase
        $auto_open2 = "Auto_Open" nocase
        $document_open = "Document_Open" nocase
        $workbook_open = "Workbook_Open" nocase
        $auto_exec = "AutoExec" nocase
        $auto_close = "AutoClose" nocase
        $auto_close2 = "Auto_Close" nocase
        $document_close = "Document_Close" nocase

    condition:
        uint32be(0) == 0xD0CF11E0 and ($vba_project or $vba_module) and
        any of ($auto_*, $document_*, $workbook_*) and not Strata_Office_Macro_AutoExec_Shell
}

rule Strata_Office_OOXML_With_Macros
{
    meta:
        description = "Office Open XML document (.docm, .xlsm, .pptm) that carries a VBA project"
        score = 20
        severity = "low"

    strings:
        $vba_part = "vbaProject.bin" nocase

    condition:
        uint32(0) == 0x04034B50 and $vba_part
}

rule Strata_Office_Encrypted_Document
{
    meta:
        description = "Password-protected Office document: its content cannot be scanned"
        score = 30
        severity = "medium"

    strings:
        $encrypted_package = "EncryptedPackage" wide
        $encryption_info = "EncryptionInfo" wide

    condition:
        uint32be(0) == 0xD0CF11E0 and $encrypted_package and $encryption_info
}
