/**
 * A widget whose content is decided when the dashboard body is rendered, at synthesis: cloudwatch.Dashboard renders
 * its body lazily, reading each row's size, then placing it, then writing it. Each rendering builds the content
 * afresh from the construct tree, so functions and services added after the dashboard are on it, and rendering
 * the same tree twice gives the same body.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

export class DiscoveredWidgets implements cloudwatch.IWidget {
  /** The content last placed by `position`, written by `toJson`. */
  private placed?: cloudwatch.IWidget;

  /** @param build the content, built from the construct tree as it is now */
  constructor(private readonly build: () => cloudwatch.IWidget) {}

  public get width(): number {
    return this.build().width;
  }

  public get height(): number {
    return this.build().height;
  }

  public position(x: number, y: number): void {
    this.placed = this.build();
    this.placed.position(x, y);
  }

  public toJson(): any[] {
    if (!this.placed) this.position(0, 0);
    const json = this.placed!.toJson();
    this.placed = undefined;
    return json;
  }
}
