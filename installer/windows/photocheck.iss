; Inno Setup 6 script: a per-user installer for the PyInstaller onedir (dist\photocheck).
;   iscc /DAppVersion=0.1.0 installer\windows\photocheck.iss
; (the release workflow passes the version from pyproject.toml: python scripts\app_meta.py version)
; Writes dist\photocheck-<version>-windows-x64-setup.exe.
;
; Per user, no administrator rights: installs into %LOCALAPPDATA%\Programs\PhotoCheck, shortcuts in
; the user's Start menu (and on the desktop if ticked). Chinese interface by default, English
; selectable on the first page. No file associations. The uninstaller removes the program and asks
; whether to remove the app's settings too (Qt keeps them under the application name "photocheck").
;
; Needs ChineseSimplified.isl in Inno Setup's Languages folder: it ships with Inno Setup's
; unofficial translations (Files/Languages/Unofficial in the issrc repository); the release
; workflow copies it there.

; The names default to pyproject.toml's [tool.photocheck.app]; the workflow passes them all.
#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=x.y.z photocheck.iss
#endif
#ifndef AppName
  #define AppName "PhotoCheck"
#endif
#ifndef AppNameZh
  #define AppNameZh "医考照片检查"
#endif
#ifndef AppPublisher
  #define AppPublisher "photocheck"
#endif
#ifndef AppId
  #define AppId "org.photocheck.PhotoCheck"
#endif
#define SourceDir "..\..\dist\photocheck"

[Setup]
; AppId keeps upgrades in place; never change it once released.
AppId={#AppId}
AppName={#AppNameZh} {#AppName}
AppVersion={#AppVersion}
AppVerName={#AppNameZh} {#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppNameZh} {#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppNameZh}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=no
OutputDir=..\..\dist
OutputBaseFilename=photocheck-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\photocheck.ico
UninstallDisplayIcon={app}\photocheck-gui.exe
UninstallDisplayName={#AppNameZh} {#AppName}
Compression=lzma2/ultra64
SolidCompression=yes
LZMAUseSeparateProcess=yes
WizardStyle=modern
ShowLanguageDialog=yes
LanguageDetectionMethod=none
CloseApplications=yes

[Languages]
; The first entry is the default: Chinese. English is offered in the language dialog.
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.RemoveSettings=是否同时删除本程序的设置和缓存？%n%n选择“否”会保留它们，重新安装后继续使用。
english.RemoveSettings=Also remove the program's settings and cache?%n%nChoose No to keep them for a later reinstall.
chinesesimplified.CommandLineName=医考照片检查（命令行自检）
english.CommandLineName=PhotoCheck self-test (command line)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the whole bundle: no stale libraries from the previous version.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppNameZh}"; Filename: "{app}\photocheck-gui.exe"; WorkingDir: "{userdocs}"
Name: "{autoprograms}\{cm:CommandLineName}"; Filename: "{cmd}"; Parameters: "/k ""{app}\photocheck.exe"" --self-test"; WorkingDir: "{userdocs}"; IconFilename: "{app}\photocheck.exe"
Name: "{autodesktop}\{#AppNameZh}"; Filename: "{app}\photocheck-gui.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\photocheck-gui.exe"; Description: "{cm:LaunchProgram,{#AppNameZh}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Code]
// Settings: where Qt keeps them for the application name "photocheck" (QSettings in the
// registry, QStandardPaths' AppData/LocalAppData folders). Asked only in an interactive uninstall.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    if MsgBox(CustomMessage('RemoveSettings'), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    begin
      DelTree(ExpandConstant('{userappdata}\photocheck'), True, True, True);
      DelTree(ExpandConstant('{localappdata}\photocheck'), True, True, True);
      RegDeleteKeyIncludingSubkeys(HKCU, 'Software\photocheck');
    end;
end;
