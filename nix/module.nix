# services.inchworm: Inchworm upgrading this host from a systemd timer, configured as NixOS options.
# The options become a host profile (JSON, /etc/inchworm/profile.json, checked at build time by the
# package's own `inchworm config validate`); docs/install.md and docs/host-profile.md.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf types literalExpression optionalAttrs filterAttrs;

  cfg = config.services.inchworm;

  # A plugin selection: an id and its settings (freeform: each plugin checks its own keys when the
  # profile is validated). A bare string is the id alone, as in a YAML profile.
  selection = types.coercedTo types.str (id: { inherit id; }) (types.submodule {
    options = {
      id = mkOption {
        type = types.str;
        description = "The plugin's id (`inchworm plugins` lists them).";
      };
      settings = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        description = "The plugin's settings (docs/plugins.md).";
      };
    };
  });

  selectionJson = s: { inherit (s) id; } // optionalAttrs (s.settings != { }) { inherit (s) settings; };

  noNulls = filterAttrs (_: v: v != null);

  stateDir = "/var/lib/${cfg.stateDirectory}";

  profile = lib.recursiveUpdate cfg.settings (noNulls {
    inherit (cfg) host;
    system = noNulls {
      inherit (cfg.system) repository attribute flake overrideInput;
      # with flake = true and overrideInput, the expression names the host's flake
      expression = if cfg.system.flake == false || (cfg.system.flake == true && cfg.system.overrideInput != null)
        then cfg.system.expression else null;
    } // optionalAttrs (cfg.system.args != { }) { inherit (cfg.system) args; };
    inherit stateDir;
    switch = cfg.operation;
    strategies = map selectionJson cfg.strategies;
    reclaimers = map selectionJson cfg.reclaimers;
    provisioners = map selectionJson cfg.provisioners;
    probe = if cfg.probe == null then null else selectionJson cfg.probe;
    rollback = if cfg.rollback == null then null else selectionJson cfg.rollback;
    nonVital = if cfg.nonVital == [ ] then null else cfg.nonVital;
    metrics = if cfg.metrics.enable then { inherit (cfg.metrics) textfile; } else null;
    hooks = if cfg.hooks.afterRun == [ ] then null else noNulls { inherit (cfg.hooks) afterRun timeout; };
  } // optionalAttrs (cfg.allowReboot || cfg.rebootWindow != null) {
    engine.reboot = { allowed = cfg.allowReboot; } // optionalAttrs (cfg.rebootWindow != null) {
      window = { inherit (cfg.rebootWindow) lower upper; };
    };
  });

  profileFile = pkgs.writeText "inchworm-profile.json" (builtins.toJSON profile);

  # The profile as the package reads it, refused at build time when it is not valid.
  checkedProfile =
    if cfg.validateProfile then
      pkgs.runCommand "inchworm-profile.json" { nativeBuildInputs = [ cfg.package ]; } ''
        cp ${profileFile} profile.json
        inchworm config validate profile.json
        cp profile.json $out
      ''
    else
      profileFile;

  profilePath = "/etc/inchworm/profile.json";

  time = types.strMatching "([01][0-9]|2[0-3]):[0-5][0-9]";
in
{
  options.services.inchworm = {
    enable = mkEnableOption "Inchworm, upgrading this host in steps that fit on its disk";

    package = mkOption {
      type = types.package;
      default = pkgs.inchworm or (pkgs.callPackage ./package.nix { });
      defaultText = literalExpression "pkgs.inchworm";
      description = "The Inchworm package.";
    };

    host = mkOption {
      type = types.str;
      default = config.networking.hostName;
      defaultText = literalExpression "config.networking.hostName";
      description = "The host's name, in reports.";
    };

    system = {
      repository = mkOption {
        type = types.str;
        example = "/var/lib/inchworm/nixpkgs";
        description = "Git repository of the system source (a Nixpkgs checkout with the host's configuration, or a flake).";
      };
      expression = mkOption {
        type = types.str;
        default = "nixos/default.nix";
        description = "File in the repository that nix-instantiate evaluates; with `flake = true` and `overrideInput`, the host's flake (e.g. `/etc/nixos`); unused with `flake = \"PATH#HOST\"` or a `flake = true` without `overrideInput`.";
      };
      attribute = mkOption {
        type = types.nullOr types.str;
        # a flake reference (PATH#HOST) names the host: Inchworm derives the attribute from it
        default = if builtins.isString cfg.system.flake then null
          else if cfg.system.flake then "nixosConfigurations.${cfg.host}.config.system.build.toplevel" else "system";
        defaultText = literalExpression ''"system" (with flake = true: "nixosConfigurations.''${host}.config.system.build.toplevel"; with flake = "PATH#HOST": derived from it)'';
        description = "Attribute path of the system's toplevel.";
      };
      flake = mkOption {
        type = types.either types.bool types.str;
        default = false;
        example = "/etc/nixos#vps-1";
        description = "Evaluate the repository as a flake (`true`), or evaluate the host's flake `PATH#HOST` (as `nixos-rebuild --flake` takes it) with its `nixpkgs` input overridden by each revision.";
      };
      overrideInput = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "nixpkgs";
        description = "With `flake`: the input overridden by each revision Inchworm steps through.";
      };
      args = mkOption {
        type = types.attrsOf (types.oneOf [ types.str types.int types.bool ]);
        default = { };
        description = "Arguments of the expression: strings become --argstr, others --arg.";
      };
    };

    dates = mkOption {
      type = types.str;
      default = "04:40";
      example = "daily";
      description = "When to run, a systemd calendar event (systemd.time(7)), as system.autoUpgrade.dates.";
    };

    randomizedDelaySec = mkOption {
      type = types.str;
      default = "0";
      example = "45min";
      description = "Random delay added to each run's start (the timer's RandomizedDelaySec).";
    };

    fixedRandomDelay = mkOption {
      type = types.bool;
      default = false;
      description = "The same random delay on every run of this host (the timer's FixedRandomDelay).";
    };

    persistent = mkOption {
      type = types.bool;
      default = true;
      description = "Run at boot when the host was off at the last scheduled time (the timer's Persistent).";
    };

    operation = mkOption {
      type = types.enum [ "switch" "boot" ];
      default = "switch";
      description = "How each step is activated: `switch` now, or `boot` at the next boot.";
    };

    allowReboot = mkOption {
      type = types.bool;
      default = false;
      description = "Let the engine reboot the host when a step needs it (the profile's engine.reboot.allowed).";
    };

    rebootWindow = mkOption {
      type = types.nullOr (types.submodule {
        options = {
          lower = mkOption { type = time; example = "01:00"; description = "Start of the window, HH:MM."; };
          upper = mkOption { type = time; example = "05:00"; description = "End of the window, HH:MM."; };
        };
      });
      default = null;
      description = "With allowReboot: reboot only in this window of local time (engine.reboot.window).";
    };

    strategies = mkOption {
      type = types.nonEmptyListOf selection;
      default = [ "full-rebuild" ];
      example = literalExpression ''[ "full-rebuild" "package-stepping" ]'';
      description = "Upgrade strategies, asked in this order.";
    };

    nonVital = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = literalExpression ''[ "texlive" "gimp" ]'';
      description = "Units (packages, as `inchworm plan` names them) the host can do without for a while: the shed-non-vital strategy removes them from an intermediate system to make room and adds them back upgraded (the profile's nonVital).";
    };

    reclaimers = mkOption {
      type = types.listOf selection;
      default = [ "gc" ];
      example = literalExpression ''[ "gc" { id = "journald-trim"; settings.keep = "32MiB"; } "generation-prune" ]'';
      description = "Ways to free disk, cheapest first.";
    };

    provisioners = mkOption {
      type = types.listOf selection;
      default = [ ];
      example = literalExpression ''[ { id = "swap-file"; settings.size = "2GiB"; } ]'';
      description = "Resources held around builds (a swap file, stopped services).";
    };

    probe = mkOption {
      type = types.nullOr selection;
      default = null;
      description = "The storage probe (default: statvfs on /nix/store).";
    };

    rollback = mkOption {
      type = types.nullOr selection;
      default = null;
      description = "How a failed run goes back (default: generation).";
    };

    metrics = {
      enable = mkEnableOption "the Prometheus text file of the last run (the profile's metrics.textfile), for node_exporter's textfile collector";
      textfile = mkOption {
        type = types.strMatching "/.*\\.prom";
        default = "/var/lib/prometheus-node-exporter-text-files/inchworm.prom";
        description = ''
          The metrics file, replaced after each run (a temporary file beside it, renamed over it).
          Point node_exporter's textfile collector at its folder:
          `services.prometheus.exporters.node = { enabledCollectors = [ "textfile" ];
          extraFlags = [ "--collector.textfile.directory=/var/lib/prometheus-node-exporter-text-files" ]; }`.
        '';
      };
    };

    hooks = {
      afterRun = mkOption {
        type = types.listOf (types.nonEmptyListOf types.str);
        default = [ ];
        example = literalExpression ''[ [ "''${pkgs.curl}/bin/curl" "-fsS" "-o" "/dev/null" "--data-binary" "@" "https://hc-ping.com/UUID" ] ]'';
        description = "Commands run after each run, each an argument list (never a shell line); the report's path is added as the last argument, INCHWORM_RESULT and INCHWORM_EXIT_CODE are set. A failing hook is a warning in the log; it never changes the run's exit code.";
      };
      timeout = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "30s";
        description = "How long each hook may take before it is killed (default 5m).";
      };
    };

    settings = mkOption {
      type = types.attrsOf types.anything;
      default = { };
      example = literalExpression ''{ engine.reserve = "64MiB"; nix.options.max-jobs = 1; }'';
      description = "Further profile keys (docs/host-profile.md); the options above take precedence.";
    };

    stateDirectory = mkOption {
      type = types.strMatching "[^/].*";
      default = "inchworm";
      description = "The state folder under /var/lib (journal, lock, reports).";
    };

    validateProfile = mkOption {
      type = types.bool;
      default = true;
      description = "Check the generated profile with the package's `inchworm config validate` at build time.";
    };

    flags = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "--progress" ];
      description = "Further arguments of `inchworm upgrade`.";
    };
  };

  config = mkIf cfg.enable {
    environment.etc."inchworm/profile.json".source = checkedProfile;

    systemd.services.inchworm = {
      description = "Inchworm upgrade of this host";
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      # never stopped or restarted by the switch a run itself makes
      restartIfChanged = false;
      unitConfig.X-StopOnRemoval = false;
      path = [ cfg.package config.nix.package config.systemd.package pkgs.git pkgs.util-linux pkgs.coreutils ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = lib.escapeShellArgs ([ "${cfg.package}/bin/inchworm" "upgrade" "--profile" profilePath ] ++ cfg.flags);
        StateDirectory = cfg.stateDirectory;
        # 5: another run holds the lock; 6: the engine is rebooting the host
        SuccessExitStatus = "5 6";
      };
    };

    systemd.timers.inchworm = {
      description = "Inchworm upgrade of this host";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.dates;
        RandomizedDelaySec = cfg.randomizedDelaySec;
        FixedRandomDelay = cfg.fixedRandomDelay;
        Persistent = cfg.persistent;
      };
    };

    # A run cut short by a power cut or a reboot is taken over at boot, not at the next timer.
    systemd.services.inchworm-continue = {
      description = "Continue an unfinished Inchworm run";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      restartIfChanged = false;
      unitConfig.X-StopOnRemoval = false;
      path = [ cfg.package pkgs.jq config.systemd.package ];
      serviceConfig = {
        Type = "oneshot";
        StateDirectory = cfg.stateDirectory;
      };
      script = ''
        if inchworm status --profile ${profilePath} --json | jq -e '.unfinishedRun != null' > /dev/null; then
          systemctl start --no-block inchworm.service
        fi
      '';
    };
  };
}
