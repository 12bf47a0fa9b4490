; Inno Setup 6 script: the fieldsurvey installer for Windows (per user, no admin rights).
;
; Build on Windows after PyInstaller has made dist\fieldsurvey (see packaging\README.md):
;     iscc packaging\windows\fieldsurvey.iss
; The version is read from dist\fieldsurvey\fieldsurvey.exe, whose version resource the
; spec stamped from fieldsurvey.__version__: the installer cannot disagree with the app.
; Override with  iscc /DAppVersion=1.2.3 ...  only to rebuild an old release.
;
; Where things go:
; - the program: {autopf}\fieldsurvey, which with PrivilegesRequired=lowest is
;   %LOCALAPPDATA%\Programs\fieldsurvey (township laptops rarely give officers admin rights);
; - the officer's data: %LOCALAPPDATA%\fieldsurvey, chosen by platformdirs
;   (src/fieldsurvey/paths.py), holding the database, signing key, backups and
;   exports. It is a different folder that this installer neither creates nor
;   lists, so uninstalling can never delete it. Keep it that way: there is
;   deliberately no [UninstallDelete] section, and nothing here may name that folder.

#define AppName "fieldsurvey"
#define AppNameZh "社会组织建会走访"
#define AppExe "fieldsurvey.exe"
#define CliExe "fieldsurvey-cli.exe"
#define DistDir AddBackslash(SourcePath) + "..\..\dist\fieldsurvey"

#if !FileExists(DistDir + "\" + AppExe)
  #error dist\fieldsurvey\fieldsurvey.exe not found: run PyInstaller with packaging\fieldsurvey.spec first
#endif
#ifndef AppVersion
  #define AppVersion GetFileProductVersionString(DistDir + "\" + AppExe)
#endif
#define AppVersionNumbers GetVersionNumbersString(DistDir + "\" + AppExe)

; Simplified Chinese ships with recent Inno Setup 6 releases; older ones need the
; community translation copied beside this script.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: update Inno Setup 6, or copy the file next to this script
#endif

[Setup]
; Never change AppId: Windows finds the installed copy by it, for upgrades and uninstall.
AppId={{B80F1C40-2B60-4EB0-B54F-68F782E8EEBC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=fieldsurvey
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppNameZh} {#AppName} Setup
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppNameZh}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppNameZh} ({#AppName})
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\icons\fieldsurvey.ico
OutputDir=..\..\dist
OutputBaseFilename=fieldsurvey-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 runs on 64-bit Windows 10 (1809) and later only.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Close a running fieldsurvey before its files are replaced.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.SelfCheck=自检（技术支持用）
english.SelfCheck=Self-check (for support staff)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; PyInstaller's files change names between releases; a leftover library from the
; previous version in _internal could be loaded instead of the new one. This is the
; program folder only, emptied before the new files are copied in.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppNameZh}"; Filename: "{app}\{#AppExe}"; Comment: "{#AppName}"
; Support staff run the self-check from here: a console window that stays open.
Name: "{autoprograms}\{#AppNameZh} {cm:SelfCheck}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" selfcheck"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppNameZh}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppNameZh}}"; Flags: nowait postinstall skipifsilent
