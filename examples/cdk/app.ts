#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from './stacks';

buildApp(new App()).synth();
